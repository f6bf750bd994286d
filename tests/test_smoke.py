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


def test_messages_are_a_status_region_of_paragraphs_not_a_list_without_its_role(rf):
    """role="status" on a <ul> strips its list role and leaves each <li> orphaned (axe
    "listitem", serious): the region is a <div> and each message a paragraph."""
    from django.template.loader import render_to_string

    class Message:
        tags = "error"

        def __str__(self):
            return "出错了"

    html = render_to_string("base.html", {"messages": [Message()]}, request=rf.get("/"))
    assert '<p class="message error">出错了</p>' in html
    assert '<div class="messages" role="status">' in html
    assert "<li" not in html.split('role="status"', 1)[1].split("</div>", 1)[0]
    saved = render_to_string("_saved.html", {"saved_message": "已保存。"})
    assert saved.startswith('<div class="messages saved" role="status"><p class="message')
