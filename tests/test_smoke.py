def test_home_page_is_chinese_by_default(anonymous, db):
    response = anonymous.get("/", HTTP_ACCEPT_LANGUAGE="en-US")
    assert response.status_code == 200
    assert response["Content-Language"] == "zh-hans"
    assert "身边的社区空间" in response.content.decode()


def test_health_endpoint_answers(anonymous, db):
    response = anonymous.get("/api/health")
    assert response.json() == {"ok": True}


def test_api_sends_chinese_as_utf8_not_escapes(anonymous, db):
    response = anonymous.get("/api/venues/999")
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert "找不到该场馆" in response.content.decode("utf-8")
    assert b"\\u" not in response.content


def test_pages_are_compressed_for_weak_networks(anonymous, venue):
    import gzip

    response = anonymous.get("/", HTTP_ACCEPT_ENCODING="gzip")
    assert response["Content-Encoding"] == "gzip"
    assert "身边的社区空间" in gzip.decompress(response.content).decode()
