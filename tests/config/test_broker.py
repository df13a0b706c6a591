"""The embedded broker writes each message atomically (config/broker.py)."""

import os

from kombu import Connection

from config.broker import Transport


def _channel(folder):
    connection = Connection("filesystem://", transport_options={"data_folder_in": str(folder), "data_folder_out": str(folder)})
    return connection, connection.default_channel


def test_filesystem_urls_use_the_atomic_transport(tmp_path):
    connection, _ = _channel(tmp_path)
    assert isinstance(connection.transport, Transport)
    connection.close()


def test_a_message_round_trips_and_leaves_no_partial_file(tmp_path):
    connection, channel = _channel(tmp_path)
    channel._put("jobs", {"body": "hello"})
    assert [name.endswith(".jobs.msg") for name in os.listdir(tmp_path)] == [True]
    assert channel._get("jobs") == {"body": "hello"}
    connection.close()


def test_a_message_still_being_written_is_not_read(tmp_path):
    """A message is only ever under its partial name while being written, which readers pass over."""
    connection, channel = _channel(tmp_path)
    (tmp_path / "1_x.jobs.msg.partial").write_bytes(b'{"bo')
    channel._put("jobs", {"body": "complete"})
    assert channel._get("jobs") == {"body": "complete"}
    assert (tmp_path / "1_x.jobs.msg.partial").exists()
    connection.close()
