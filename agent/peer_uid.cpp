#include "peer_uid.hpp"

#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <array>
#include <cstring>

namespace gpx::agent {

namespace {

struct Fd
{
  int fd;
  ~Fd()
  {
    if (fd >= 0) {
      ::close(fd);
    }
  }
};

// Copies a socket address into the diag id's big-endian port and address.
bool
fill(const sockaddr_storage& addr, __be16& port, __be32 (&out)[4])
{
  std::memset(out, 0, sizeof out);
  if (addr.ss_family == AF_INET) {
    const auto& in = reinterpret_cast<const sockaddr_in&>(addr);
    port = in.sin_port;
    std::memcpy(out, &in.sin_addr, sizeof in.sin_addr);
    return true;
  }
  if (addr.ss_family == AF_INET6) {
    const auto& in6 = reinterpret_cast<const sockaddr_in6&>(addr);
    port = in6.sin6_port;
    std::memcpy(out, &in6.sin6_addr, sizeof in6.sin6_addr);
    return true;
  }
  return false;
}

} // namespace

std::optional<uid_t>
tcp_peer_uid(int fd)
{
  sockaddr_storage local{}, peer{};
  socklen_t llen = sizeof local, plen = sizeof peer;
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&local), &llen) != 0
      || getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &plen) != 0
      || local.ss_family != peer.ss_family) {
    return std::nullopt;
  }
  struct
  {
    nlmsghdr nlh;
    inet_diag_req_v2 req;
  } msg{};
  msg.nlh.nlmsg_len = sizeof msg;
  msg.nlh.nlmsg_type = SOCK_DIAG_BY_FAMILY;
  msg.nlh.nlmsg_flags = NLM_F_REQUEST;
  msg.req.sdiag_family = static_cast<__u8>(peer.ss_family);
  msg.req.sdiag_protocol = IPPROTO_TCP;
  msg.req.idiag_states = ~0U;
  // The client's socket: its source is our peer, its destination is us.
  if (!fill(peer, msg.req.id.idiag_sport, msg.req.id.idiag_src)
      || !fill(local, msg.req.id.idiag_dport, msg.req.id.idiag_dst)) {
    return std::nullopt;
  }
  msg.req.id.idiag_cookie[0] = INET_DIAG_NOCOOKIE;
  msg.req.id.idiag_cookie[1] = INET_DIAG_NOCOOKIE;

  Fd nl{::socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG)};
  if (nl.fd < 0) {
    return std::nullopt;
  }
  timeval tv{1, 0};
  setsockopt(nl.fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  sockaddr_nl kernel{};
  kernel.nl_family = AF_NETLINK;
  if (::sendto(nl.fd,
               &msg,
               sizeof msg,
               0,
               reinterpret_cast<sockaddr*>(&kernel),
               sizeof kernel)
      < 0) {
    return std::nullopt;
  }
  // The answer is one message: the socket's inet_diag_msg, or an error.
  // Both are copied out of the byte buffer, so no cast assumes an alignment
  // the bytes may not have.
  std::array<char, 8192> buf;
  auto n = ::recv(nl.fd, buf.data(), buf.size(), 0);
  if (n < static_cast<ssize_t>(NLMSG_LENGTH(sizeof(inet_diag_msg)))) {
    return std::nullopt;
  }
  nlmsghdr h{};
  std::memcpy(&h, buf.data(), sizeof h);
  if (h.nlmsg_type != SOCK_DIAG_BY_FAMILY
      || h.nlmsg_len < NLMSG_LENGTH(sizeof(inet_diag_msg))
      || h.nlmsg_len > static_cast<std::size_t>(n)) {
    return std::nullopt; // NLMSG_ERROR: no such socket here
  }
  inet_diag_msg diag{};
  std::memcpy(&diag, buf.data() + NLMSG_HDRLEN, sizeof diag);
  return static_cast<uid_t>(diag.idiag_uid);
}

} // namespace gpx::agent
