def test_front_door_lists_the_regions_served(client, tangerang, contoh):
    page = client.get("/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "/kota-tangerang/" in html and "/kota-contoh/" in html
