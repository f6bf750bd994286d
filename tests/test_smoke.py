def test_home_page_is_chinese_by_default(anonymous, db):
    response = anonymous.get("/", HTTP_ACCEPT_LANGUAGE="en-US")
    assert response.status_code == 200
    assert response["Content-Language"] == "zh-hans"
    assert "身边的社区空间" in response.content.decode()


def test_health_endpoint_answers(anonymous, db):
    response = anonymous.get("/api/health")
    assert response.json() == {"ok": True}
