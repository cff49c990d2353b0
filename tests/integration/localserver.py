# SPDX-License-Identifier: Apache-2.0
"""localserver.py - the lifecycle the small in-process test servers share: a thread, a host, a clean stop."""

import http.server
import threading


class LocalServer:
    """Subclasses call start_server(handler_class) in __init__; use as a context manager."""

    def start_server(self, handler):
        self.server = http.server.ThreadingHTTPServer(('127.0.0.1', 0), handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def host(self):
        return '127.0.0.1:%d' % self.server.server_address[1]

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)
