#include <agent/server.hpp>

#include <doctest/doctest.h>
#include <httplib.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <thread>

using gpx::agent::parse_listen_address;

TEST_SUITE("agent")
{
  TEST_CASE("listen addresses: loopback only, explicit port")
  {
    auto a = parse_listen_address("127.0.0.1:7070");
    REQUIRE(a);
    CHECK(a->host == "127.0.0.1");
    CHECK(a->port == 7070);
    auto b = parse_listen_address("[::1]:0");
    REQUIRE(b);
    CHECK(b->host == "::1");
    CHECK(b->port == 0);
    CHECK(parse_listen_address("localhost:80"));

    CHECK_FALSE(parse_listen_address("0.0.0.0:7070"));
    // Names other than localhost are not looked up: whatever they resolve
    // to, only a literal loopback address is.
    CHECK_FALSE(parse_listen_address("127.anything.example:0"));
    CHECK_FALSE(parse_listen_address("127.0.0.1.example:0"));
    CHECK_FALSE(parse_listen_address("127.1:0"));
    CHECK(parse_listen_address("127.0.0.2:0"));
    CHECK(parse_listen_address("[0:0:0:0:0:0:0:1]:0"));
    CHECK_FALSE(parse_listen_address("192.168.1.2:7070"));
    CHECK_FALSE(parse_listen_address("127.0.0.1"));
    CHECK_FALSE(parse_listen_address("127.0.0.1:"));
    CHECK_FALSE(parse_listen_address("127.0.0.1:65536"));
    CHECK_FALSE(parse_listen_address("127.0.0.1:-1"));
    CHECK_FALSE(parse_listen_address("127.0.0.1:80x"));
    CHECK_FALSE(parse_listen_address("[::1]7070"));
    CHECK_FALSE(parse_listen_address(":7070"));
  }

  TEST_CASE("the server binds port 0, answers /healthz and stops")
  {
    gpx::agent::Server server(gpx::agent::ServerOptions{{"127.0.0.1", 0}});
    auto port = server.bind();
    REQUIRE(port);
    CHECK(*port > 0);
    CHECK(server.url() == "http://127.0.0.1:" + std::to_string(*port));
    std::thread t([&] { CHECK(server.run()); });
    // The socket listens already: the request waits in the queue until the
    // accept loop runs, so no sleep is needed.
    httplib::Client client("127.0.0.1", *port);
    auto res = client.Get("/healthz");
    REQUIRE(res);
    CHECK(res->status == 200);
    CHECK(res->body == "ok\n");
    server.stop();
    t.join();
  }
}

TEST_CASE(
  "GET and HEAD only: any other method is refused with 405 at once, its body "
  "never read")
{
  gpx::agent::Server server(gpx::agent::ServerOptions{{"127.0.0.1", 0}});
  auto port = server.bind();
  REQUIRE(port);
  std::thread t([&] { CHECK(server.run()); });
  // A body of 1.5 GB announced: once read whole into memory (2.2 GB peak).
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(*port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0);
  timeval two_seconds{2, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &two_seconds, sizeof(two_seconds));
  std::string req =
    "POST /healthz HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(*port)
    + "\r\nContent-Length: 1500000000\r\n\r\n";
  REQUIRE(::send(fd, req.data(), req.size(), 0)
          == static_cast<ssize_t>(req.size()));
  char buf[512] = {0};
  auto n = ::recv(fd, buf, sizeof(buf) - 1, 0);
  ::close(fd);
  REQUIRE(n > 0);
  CHECK(
    std::string(buf, static_cast<std::size_t>(n)).starts_with("HTTP/1.1 405"));
  httplib::Client client("127.0.0.1", *port);
  auto del = client.Delete("/healthz");
  REQUIRE(del);
  CHECK(del->status == 405);
  CHECK(del->get_header_value("Allow") == "GET, HEAD");
  auto head = client.Head("/healthz");
  REQUIRE(head);
  CHECK(head->status == 200);
  server.stop();
  t.join();
}

TEST_CASE("a second server cannot bind a port that is in use")
{
  gpx::agent::Server first(gpx::agent::ServerOptions{{"127.0.0.1", 0}});
  auto port = first.bind();
  REQUIRE(port);
  gpx::agent::Server second(gpx::agent::ServerOptions{{"127.0.0.1", *port}});
  auto again = second.bind();
  REQUIRE_FALSE(again);
  CHECK(again.error().message.find("cannot listen on 127.0.0.1:"
                                   + std::to_string(*port))
        != std::string::npos);
}
