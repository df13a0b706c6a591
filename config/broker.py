"""kombu's filesystem transport, with messages written atomically.

kombu's own writes a message file in place, and its reader takes any file it
finds: under load a worker read a message still being written (an empty file)
and its consumer crashed with a JSON error. Here each message is written under a
name the reader ignores and renamed into place when complete; a rename within a
folder is atomic.
"""

import os
import uuid
from time import monotonic

from kombu.transport import TRANSPORT_ALIASES, filesystem
from kombu.utils.json import dumps


class Channel(filesystem.Channel):
    def _put(self, queue, payload, **kwargs):
        name = os.path.join(self.data_folder_out, f"{int(round(monotonic() * 1000))}_{uuid.uuid4()}.{queue}.msg")
        # The reader only takes names ending "<queue>.msg".
        partial = name + ".partial"
        try:
            with open(partial, "wb") as file:
                file.write(dumps(payload).encode())
            os.replace(partial, name)
        except OSError as error:
            raise filesystem.ChannelError(f"Cannot add file {name!r} to directory") from error


class Transport(filesystem.Transport):
    Channel = Channel


def use_atomic_filesystem_transport() -> None:
    """Make `filesystem://` broker URLs use this transport, in every process that loads the Celery app."""
    TRANSPORT_ALIASES["filesystem"] = "config.broker:Transport"
