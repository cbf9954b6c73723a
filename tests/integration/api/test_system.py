"""The platform serves, and every error comes in the one envelope."""

import httpx


def test_health_reports_ok_in_the_success_envelope(client: httpx.Client) -> None:
    response = client.get("/api/v1/health")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "success"
    assert body["data"]["status"] == "ok"


def test_unknown_route_is_a_404_in_the_error_envelope(client: httpx.Client) -> None:
    response = client.get("/api/v1/nothing-here")

    assert response.status_code == 404
    assert response.json() == {
        "status": "error",
        "error_type": "DataException",
        "message": "Not Found",
        "data": None,
    }


def test_wrong_method_is_a_405_in_the_error_envelope(client: httpx.Client) -> None:
    response = client.delete("/api/v1/health")

    assert response.status_code == 405
    assert response.json()["error_type"] == "InputException"
