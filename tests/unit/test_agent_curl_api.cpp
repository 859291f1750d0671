#include <agent/curl_api.hpp>
#include <agent/http_client.hpp>

#include <doctest/doctest.h>
#include <httplib.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <string>
#include <thread>

using namespace std::chrono_literals;
using gpx::agent::HttpClient;

namespace {

// Whether libcurl is mapped into this process now.
bool
libcurl_mapped()
{
  std::ifstream maps("/proc/self/maps");
  for (std::string line; std::getline(maps, line);) {
    if (line.find("/libcurl.so") != std::string::npos) {
      return true;
    }
  }
  return false;
}

// Waits up to 5 s (the upstream loop looks once a second) for libcurl to go.
bool
unloaded_soon()
{
  for (int i = 0; i < 50 && libcurl_mapped(); ++i) {
    std::this_thread::sleep_for(100ms);
  }
  return !libcurl_mapped();
}

// An upstream on a free loopback port: /x answers at once, /slow after
// 1.5 s.
struct Upstream
{
  httplib::Server http;
  int port = 0;
  std::thread thread;

  Upstream()
  {
    port = http.bind_to_any_port("127.0.0.1");
    REQUIRE(port > 0);
    http.set_keep_alive_timeout(1);
    http.Get("/x", [](const httplib::Request&, httplib::Response& r) {
      r.set_content("x", "text/plain");
    });
    http.Get("/slow", [](const httplib::Request&, httplib::Response& r) {
      std::this_thread::sleep_for(1500ms);
      r.set_content("slow", "text/plain");
    });
    thread = std::thread([this] { http.listen_after_bind(); });
  }
  ~Upstream()
  {
    http.stop();
    thread.join();
  }
  std::string
  url(const char* path) const
  {
    return "http://127.0.0.1:" + std::to_string(port) + path;
  }
};

// The idle time for one test, back to "never" after it.
struct IdleFor
{
  explicit IdleFor(std::chrono::milliseconds idle)
  {
    gpx::agent::set_curl_idle(idle);
  }
  ~IdleFor()
  {
    gpx::agent::set_curl_idle(0ms);
  }
};

} // namespace

TEST_SUITE("agent")
{
  TEST_CASE(
    "libcurl is unloaded once idle, closing its connections, and the "
    "next transfer loads it again")
  {
    Upstream up;
    IdleFor idle(300ms);
    REQUIRE(unloaded_soon()); // whatever an earlier test left loaded
    std::atomic<int> quiet{0};
    gpx::agent::when_curl_unloaded([&quiet] { ++quiet; });
    HttpClient client(gpx::agent::HttpClientOptions{});
    for (int round = 0; round < 4; ++round) {
      CAPTURE(round);
      auto loads = gpx::agent::curl_loads();
      auto opened = gpx::agent::http_connections_opened();
      auto r = client.get(up.url("/x"), 16);
      REQUIRE(r);
      CHECK(r->status == 200);
      CHECK(r->body == "x");
      CHECK(libcurl_mapped());
      CHECK(gpx::agent::curl_loads() == loads + 1);
      // A connection of its own: the last one closed with the unload.
      CHECK(gpx::agent::http_connections_opened() == opened + 1);
      CHECK(unloaded_soon());
      // What else the agent gives back then (its index's page cache).
      for (int i = 0; i < 20 && quiet < round + 1; ++i) {
        std::this_thread::sleep_for(50ms);
      }
      CHECK(quiet == round + 1);
    }

    // A transfer longer than the idle time keeps libcurl for its whole
    // length.
    auto slow = client.get(up.url("/slow"), 16);
    REQUIRE(slow);
    CHECK(slow->body == "slow");
    CHECK(unloaded_soon());
    gpx::agent::when_curl_unloaded({});
  }

  TEST_CASE("with no idle time, libcurl stays loaded")
  {
    Upstream up;
    HttpClient client(gpx::agent::HttpClientOptions{});
    auto r = client.get(up.url("/x"), 16);
    REQUIRE(r);
    std::this_thread::sleep_for(1500ms);
    CHECK(libcurl_mapped());
  }
}
