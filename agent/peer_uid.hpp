#pragma once

// Which local user a loopback TCP connection comes from. The kernel knows
// the owner of the client's socket; sock_diag (the netlink interface `ss`
// uses) looks it up by the connection's four-tuple, without privileges.
// The agent serves private modules to its own user only.

#include <sys/types.h>

#include <optional>

namespace gpx::agent {

// The uid owning the other end of the connected TCP socket fd, when that
// end is on this machine; nullopt otherwise or when the kernel cannot say.
std::optional<uid_t> tcp_peer_uid(int fd);

} // namespace gpx::agent
