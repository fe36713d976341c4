"""The socket edge under odd input: unknown events, non-objects, extra args, no ack, oversized."""

import asyncio

import pytest
import socketio

from tests.app.support import NAMESPACES, dump, room_members
from tests.conftest import call, patient_data


async def still_answers(client, namespace="/patients"):
    ack = await call(client, namespace, "list", {"limit": 1})
    assert ack["ok"] is True, ack


@pytest.mark.parametrize("namespace", NAMESPACES)
async def test_unknown_event_is_answered_unknown_event(clinic, subtests, namespace):
    client = await clinic.connect("admin", namespace)
    for event in ("drop_table", "CREATE", "on_create", "_dispatch", "trigger_event", "search_all", "connect_error"):
        with subtests.test(event=event):
            ack = await call(client, namespace, event, {"id": "x"})
            assert ack["ok"] is False
            assert ack["error"]["code"] == "unknown_event"
    await still_answers(client, namespace)


async def test_search_on_a_namespace_without_it_is_unknown_event(clinic):
    client = await clinic.connect("admin", "/doctors")
    assert (await call(client, "/doctors", "search", {"q": "ruiz"}))["error"]["code"] == "unknown_event"


@pytest.mark.parametrize("event", ["connect", "disconnect"])
async def test_lifecycle_event_names_sent_by_a_client_do_not_touch_the_session(clinic, event):
    client = await clinic.connect("reception", "/patients")
    sid = client.get_sid("/patients")
    ack = await call(client, "/patients", event, {"token": clinic.token("admin")})
    assert ack["ok"] is False
    assert ack["error"]["code"] == "unknown_event"
    await still_answers(client)
    assert sid in room_members(clinic.hub, "/patients")
    listed = (await call(client, "/patients", "list", {}))["data"]
    assert "medical_history" not in listed[0]  # still acting as reception, not as admin


@pytest.mark.parametrize("event", ["create", "get", "get_many", "update", "delete", "search", "list"])
async def test_non_object_payload_is_malformed_and_writes_nothing(clinic, subtests, event):
    client = await clinic.connect("admin", "/patients")
    before = await dump(clinic.hub)
    for payload in ([1, 2], "12345678Z", 42, 3.5, True, ["id"], [{"id": "x"}]):
        with subtests.test(payload=payload):
            ack = await call(client, "/patients", event, payload)
            assert ack["ok"] is False
            assert ack["error"]["code"] == "malformed", ack
    assert await dump(clinic.hub) == before


async def test_missing_payload_is_malformed(clinic, subtests):
    client = await clinic.connect("admin", "/patients")
    for event in ("create", "get", "get_many", "update", "delete", "search"):
        with subtests.test(event=event):
            ack = await client.call(event, namespace="/patients", timeout=5)
            assert ack["error"]["code"] == "malformed"


async def test_extra_arguments_are_malformed_and_write_nothing(clinic):
    client = await clinic.connect("admin", "/patients")
    before = await dump(clinic.hub)
    ack = await client.call("create", (patient_data(national_id="X1234567L"), {"also": 1}), namespace="/patients", timeout=5)
    assert ack["error"]["code"] == "malformed"
    assert await dump(clinic.hub) == before


async def test_binary_payload_is_refused_not_an_internal_error(clinic):
    client = await clinic.connect("admin", "/patients")
    for event, payload in (("get", b"\x00\x01binary"), ("get", {"id": b"abc"}), ("create", {"national_id": b"1"})):
        ack = await call(client, "/patients", event, payload)
        assert ack["ok"] is False
        assert ack["error"]["code"] in ("malformed", "invalid"), ack
    await still_answers(client)


@pytest.mark.parametrize("namespace", NAMESPACES)
async def test_emit_without_ack_never_writes_and_keeps_the_connection(clinic, namespace):
    client = await clinic.connect("admin", namespace)
    before = await dump(clinic.hub)
    target = {"/patients": clinic.patient, "/doctors": clinic.doctor, "/appointments": clinic.own_appointment}[namespace]
    payloads = {
        "create": {"/patients": patient_data(national_id="X1234567L"), "/doctors": {"first_name": "A", "last_name": "B",
                                                                                   "specialty": "C"},
                   "/appointments": {"patient_id": clinic.patient["id"], "doctor_id": clinic.doctor["id"],
                                     "start": "2026-05-09T10:00:00Z", "reason": "r"}}[namespace],
        "update": {"id": target["id"], "data": {"/patients": {"first_name": "Z"}, "/doctors": {"room": "Z"},
                                                "/appointments": {"notes": "Z"}}[namespace]},
        "delete": {"id": clinic.own_appointment["id"]} if namespace == "/appointments" else {"id": "no-such"},
    }
    for event, payload in payloads.items():
        await client.emit(event, payload, namespace=namespace)
    await asyncio.sleep(0.2)
    await still_answers(client, namespace)
    assert await dump(clinic.hub) == before


async def test_emit_without_ack_of_unknown_event_keeps_the_connection(clinic):
    client = await clinic.connect("admin", "/patients")
    await client.emit("explode", {"x": 1}, namespace="/patients")
    await client.emit("get", "not an object", namespace="/patients")
    await still_answers(client)


async def test_oversized_message_is_answered_too_large_and_the_connection_stays(clinic):
    client = await clinic.connect("admin", "/patients")
    before = await dump(clinic.hub)
    big = patient_data(national_id="X1234567L", address="Calle " + "x" * 70_000)
    ack = await call(client, "/patients", "create", big)
    assert ack["ok"] is False
    error = ack["error"]
    assert error["code"] == "too_large"
    assert error["limit"] == 65536
    assert error["size"] > 65536
    assert "65536" in error["message"]
    assert client.connected
    await still_answers(client)
    assert await dump(clinic.hub) == before


async def test_message_of_exactly_the_limit_is_handled_and_one_byte_more_is_too_large(clinic):
    import orjson

    client = await clinic.connect("admin", "/patients")
    padding = 65536 - len(orjson.dumps({"q": ""}))
    at_limit = {"q": "a" * padding}
    assert len(orjson.dumps(at_limit)) == 65536
    ack = await call(client, "/patients", "search", at_limit)
    assert ack["error"]["code"] == "invalid"  # read and validated: q is longer than 100
    ack = await call(client, "/patients", "search", {"q": "a" * (padding + 1)})
    assert ack["error"]["code"] == "too_large"
    assert ack["error"]["size"] == 65537


async def test_oversized_message_limit_follows_the_config(start_hub, tmp_path):
    from tests.app.support import build_clinic
    from tests.conftest import make_config

    hub = await start_hub(make_config(tmp_path, HUB_MAX_MESSAGE_BYTES="2048"))
    clinic = await build_clinic(hub)
    client = await clinic.connect("admin", "/patients")
    ack = await call(client, "/patients", "search", {"q": "x" * 3000})
    assert ack["error"]["code"] == "too_large"
    assert ack["error"]["limit"] == 2048
    await still_answers(client)


async def test_oversized_bulk_of_4000_patients_is_refused_without_dropping_the_socket(clinic):
    client = await clinic.connect("admin", "/patients")
    bulk = {"patients": [patient_data(national_id=f"{i:08d}T") for i in range(4000)]}
    ack = await call(client, "/patients", "create", bulk)
    assert ack["error"]["code"] == "too_large"
    await still_answers(client)


async def test_undecodable_json_from_a_client_does_not_break_the_hub(clinic):
    client = await clinic.connect("admin", "/patients")
    await client.emit("create", {"first_name": float("nan")}, namespace="/patients")
    await asyncio.sleep(0.1)
    other = await clinic.connect("reception", "/patients")
    await still_answers(other)


async def test_two_clients_in_one_namespace_are_independent(clinic):
    first = await clinic.connect("admin", "/patients")
    second = await clinic.connect("reception", "/patients")
    results = await asyncio.gather(call(first, "/patients", "get", {"id": clinic.patient["id"]}),
                                   call(second, "/patients", "get", {"id": clinic.patient["id"]}))
    assert "medical_history" in results[0]["data"]
    assert "medical_history" not in results[1]["data"]


async def test_disconnect_removes_the_socket_from_its_rooms(clinic):
    client = await clinic.connect("admin", "/patients")
    sid = client.get_sid("/patients")
    assert sid in room_members(clinic.hub, "/patients")
    await client.disconnect()
    from tests.app.support import settle

    await settle(lambda: sid not in room_members(clinic.hub, "/patients"))


async def test_connect_to_an_unknown_namespace_is_refused(clinic):
    client = socketio.AsyncClient(reconnection=False)
    with pytest.raises(socketio.exceptions.ConnectionError):
        await client.connect(clinic.hub.url, namespaces=["/admin"], auth={"token": clinic.token("admin")},
                             transports=["websocket"], wait_timeout=5)
