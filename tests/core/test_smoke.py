def test_login_page_is_public(client):
    response = client.get("/login")
    assert response.status_code == 200
    assert b'name="email"' in response.data and b'name="password"' in response.data


def test_entry_roundtrip(api, make):
    admin = api("admin")
    entry_id = make.entry(given_name="José", family_name="García")
    response = admin.get(f"/api/v1/contact-points/{entry_id}")
    assert response.status_code == 200, response.json
    assert response.json["given_name"] == "José"
    assert response.json["phones"] == [{"number": "+212537123456", "kind": "office"}]
