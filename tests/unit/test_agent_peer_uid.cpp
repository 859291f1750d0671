#include <agent/peer_uid.hpp>

#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <utility>

namespace {

// A connected pair over loopback: the accepted end and the client end.
std::pair<int, int>
loopback_pair(int family)
{
  int l = ::socket(family, SOCK_STREAM, 0);
  sockaddr_storage ss{};
  socklen_t len;
  if (family == AF_INET) {
    auto& a = reinterpret_cast<sockaddr_in&>(ss);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    len = sizeof a;
  } else {
    auto& a = reinterpret_cast<sockaddr_in6&>(ss);
    a.sin6_family = AF_INET6;
    a.sin6_addr = in6addr_loopback;
    len = sizeof a;
  }
  REQUIRE(::bind(l, reinterpret_cast<sockaddr*>(&ss), len) == 0);
  REQUIRE(::listen(l, 1) == 0);
  getsockname(l, reinterpret_cast<sockaddr*>(&ss), &len);
  int c = ::socket(family, SOCK_STREAM, 0);
  REQUIRE(::connect(c, reinterpret_cast<sockaddr*>(&ss), len) == 0);
  int a = ::accept(l, nullptr, nullptr);
  ::close(l);
  return {a, c};
}

} // namespace

TEST_SUITE("agent")
{
  TEST_CASE(
    "the user behind a loopback connection is this process's user, over IPv4 "
    "and IPv6")
  {
    for (int family : {AF_INET, AF_INET6}) {
      CAPTURE(family);
      auto [accepted, client] = loopback_pair(family);
      auto uid = gpx::agent::tcp_peer_uid(accepted);
      REQUIRE(uid);
      CHECK(*uid == ::geteuid());
      // And from the client's side, the server's socket is ours too.
      CHECK(gpx::agent::tcp_peer_uid(client) == ::geteuid());
      ::close(accepted);
      ::close(client);
    }
  }

  TEST_CASE("no user for what is not a connected TCP socket")
  {
    int p[2];
    REQUIRE(::pipe(p) == 0);
    CHECK_FALSE(gpx::agent::tcp_peer_uid(p[0]));
    ::close(p[0]);
    ::close(p[1]);
    int unconnected = ::socket(AF_INET, SOCK_STREAM, 0);
    CHECK_FALSE(gpx::agent::tcp_peer_uid(unconnected));
    ::close(unconnected);
  }
}
