#pragma once

// A listening TCP socket on 127.0.0.1 at a port the kernel picks.

namespace gpx::test {

// The socket's fd; its port goes to `port`. Fails the test if it cannot.
int listen_loopback(int backlog, int& port);

} // namespace gpx::test
