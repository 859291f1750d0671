#pragma once

// A stand-in upstream for the agent's HTTP client tests: an httplib server
// the test gives its routes, then starts.

#include <doctest/doctest.h>
#include <httplib.h>

#include <string>
#include <thread>

namespace gpx::test {

// An in-process upstream on a free loopback port. bind_to_any_port returns
// with the socket listening, so requests queue until the loop runs: no sleep.
class TestServer
{
public:
  TestServer()
  {
    port = http.bind_to_any_port("127.0.0.1");
    REQUIRE(port > 0);
    // The agent's upstream loop keeps idle connections, as it should; a
    // server waits out their keep-alive before it stops.
    http.set_keep_alive_timeout(1);
  }
  void
  start()
  {
    thread = std::thread([this] { http.listen_after_bind(); });
  }
  ~TestServer()
  {
    http.stop();
    if (thread.joinable()) {
      thread.join();
    }
  }
  std::string
  url(const std::string& path) const
  {
    return "http://127.0.0.1:" + std::to_string(port) + path;
  }

  httplib::Server http;
  int port = 0;
  std::thread thread;
};

} // namespace gpx::test
