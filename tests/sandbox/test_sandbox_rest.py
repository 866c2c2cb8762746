"""The REST subset: OAuth2 client credentials, objects, the query service and errors (§8)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from httpx import Client

    from autobill.sandbox import Store

API = "/ia/api/v1"


def token_for(client: Client, username: str = "admin@DEMO") -> str:
    """Return an access token by the client-credentials grant."""
    response = client.post(f"{API}/oauth2/token", data={
        "grant_type": "client_credentials", "client_id": "autobill",
        "client_secret": "sandbox", "username": username,
    })
    assert response.status_code == 200, response.text
    token: str = response.json()["access_token"]
    return token


@pytest.fixture
def auth(client: Client) -> dict[str, str]:
    """Return the Authorization header of a fresh token."""
    return {"Authorization": f"Bearer {token_for(client)}"}


def test_token_with_a_wrong_secret_is_refused(client: Client) -> None:
    """A wrong client secret gets 401 in the REST error shape."""
    # when
    response = client.post(f"{API}/oauth2/token", data={
        "grant_type": "client_credentials", "client_id": "autobill", "client_secret": "x",
        "username": "admin@DEMO"})
    # then
    assert response.status_code == 401
    assert response.json()["ia::result"]["ia::error"]["code"] == "invalidClient"


def test_invalid_token_is_refused(client: Client) -> None:
    """A request with an unknown token gets 401 "The token is not valid"."""
    # when
    response = client.get(f"{API}/objects/accounts-receivable/customer",
                          headers={"Authorization": "Bearer nope"})
    # then
    assert response.status_code == 401
    assert response.json()["ia::result"]["ia::error"]["message"] == "The token is not valid"


def test_list_and_get_a_customer(client: Client, auth: dict[str, str]) -> None:
    """The list answers refs and meta; GET by key answers the record with REST names."""
    # when
    listed = client.get(f"{API}/objects/accounts-receivable/customer", headers=auth).json()
    key = listed["ia::result"][0]["key"]
    got = client.get(f"{API}/objects/accounts-receivable/customer/{key}", headers=auth).json()
    # then
    assert listed["ia::meta"] == {"totalCount": 1, "start": 1, "pageSize": 100, "next": None,
                                  "previous": None}
    assert got["ia::result"]["id"] == "C-1"
    assert got["ia::result"]["displaycontact"]["mailaddress"]["city"] == "Albany"


def test_contract_dates_are_iso(client: Client, auth: dict[str, str]) -> None:
    """REST shows dates in ISO 8601."""
    # when
    got = client.get(f"{API}/objects/contracts/contract/1", headers=auth).json()
    # then
    assert got["ia::result"]["begindate"] == "2026-01-01"


def test_create_update_delete_a_customer(
    client: Client, auth: dict[str, str], store: Store
) -> None:
    """POST creates (201), PATCH updates, DELETE removes (204)."""
    # when
    created = client.post(f"{API}/objects/accounts-receivable/customer", headers=auth,
                          json={"id": "C-R", "name": "Rest Co", "termname": "Net 30"})
    key = created.json()["ia::result"]["key"]
    patched = client.patch(f"{API}/objects/accounts-receivable/customer/{key}", headers=auth,
                           json={"name": "Rest Co 2"})
    name = store.find("CUSTOMER", "C-R").data["NAME"]  # type: ignore[union-attr]
    deleted = client.delete(f"{API}/objects/accounts-receivable/customer/{key}", headers=auth)
    # then
    assert (created.status_code, patched.status_code, deleted.status_code) == (201, 200, 204)
    assert name == "Rest Co 2"
    assert store.find("CUSTOMER", "C-R") is None


def test_invalid_create_answers_422_with_details(client: Client, auth: dict[str, str]) -> None:
    """A business failure is 422 with Intacct's errors as details."""
    # when
    response = client.post(f"{API}/objects/projects/project", headers=auth,
                           json={"id": "P-R", "name": "R", "projectcategory": "Contract",
                                 "customerid": "NOBODY"})
    # then
    assert response.status_code == 422
    error = response.json()["ia::result"]["ia::error"]
    assert error["code"] == "operationFailed"
    assert error["details"][0]["message"] == "Customer 'NOBODY' specified is not valid."


def test_invoices_are_read_only(client: Client, auth: dict[str, str]) -> None:
    """Invoices cannot be created through the REST subset."""
    # when
    response = client.post(f"{API}/objects/accounts-receivable/invoice", headers=auth, json={})
    # then
    assert response.status_code == 405


def test_unknown_key_is_404(client: Client, auth: dict[str, str]) -> None:
    """A key that does not exist answers 404."""
    # when
    response = client.get(f"{API}/objects/projects/project/999", headers=auth)
    # then
    assert response.status_code == 404


def test_query_service_filters_orders_and_pages(client: Client, auth: dict[str, str]) -> None:
    """services/core/query: filters, orderBy, start and size, with next in the meta."""
    # given
    for number in range(3):
        client.post(f"{API}/objects/accounts-receivable/customer", headers=auth,
                    json={"id": f"Q-{number}", "name": f"Query {number}", "status": "active"})
    # when
    response = client.post(f"{API}/services/core/query", headers=auth, json={
        "object": "accounts-receivable/customer", "fields": ["id", "name"],
        "filters": [{"$eq": {"status": "active"}}, {"$in": {"id": ["Q-0", "Q-1", "Q-2"]}}],
        "filterExpression": "and", "orderBy": [{"id": "desc"}], "start": 1, "size": 2})
    # then
    body = response.json()
    assert body["ia::result"] == [
        {"id": "Q-2", "name": "Query 2"}, {"id": "Q-1", "name": "Query 1"}
    ]
    assert (body["ia::meta"]["totalCount"], body["ia::meta"]["next"]) == (3, 3)


def test_entity_header_scopes_the_records(client: Client, auth: dict[str, str]) -> None:
    """X-IA-API-Param-Entity limits the records to that entity's and top-level ones."""
    # when
    scoped = client.get(f"{API}/objects/accounts-receivable/customer",
                        headers={**auth, "X-IA-API-Param-Entity": "UK"}).json()
    own = client.get(f"{API}/objects/accounts-receivable/customer",
                     headers={**auth, "X-IA-API-Param-Entity": "US"}).json()
    # then
    assert scoped["ia::meta"]["totalCount"] == 0
    assert own["ia::meta"]["totalCount"] == 1


def test_query_filters_on_audit_modified_date_time(client: Client, auth: dict[str, str]) -> None:
    """A filter on audit.modifiedDateTime (ISO 8601) compares as a moment."""
    # given
    client.post(f"{API}/objects/accounts-receivable/customer", headers=auth,
                json={"id": "C-NEW", "name": "New"})
    query = {"object": "accounts-receivable/customer", "fields": ["id", "audit.modifiedDateTime"],
             "filters": [{"$gte": {"audit.modifiedDateTime": "2000-01-01T00:00:00Z"}}]}
    # when
    body = client.post(f"{API}/services/core/query", headers=auth, json=query).json()
    # then
    assert [r["id"] for r in body["ia::result"]] == ["C-NEW"]
    assert body["ia::result"][0]["audit.modifiedDateTime"].endswith("Z")
