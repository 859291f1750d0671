#include <agent/upstream.hpp>

#include <doctest/doctest.h>
#include <httplib.h>

#include <thread>

using gpx::agent::HttpClientOptions;
using gpx::agent::parse_proxy_list;
using gpx::agent::Upstream;

namespace {

// Two upstreams on free loopback ports: one refuses with 403 (echoing the
// URL it was asked, credentials and all), the other serves.
struct Upstreams
{
  Upstreams()
  {
    refusing_port = refusing.bind_to_any_port("127.0.0.1");
    serving_port = serving.bind_to_any_port("127.0.0.1");
    REQUIRE(refusing_port > 0);
    REQUIRE(serving_port > 0);
    // One request per connection: stop() then waits for no idle keep-alive.
    refusing.set_keep_alive_max_count(1);
    serving.set_keep_alive_timeout(1);
    serving.set_keep_alive_max_count(1);
    refusing.Get(".*",
                 [this](const httplib::Request& req, httplib::Response& r) {
                   r.status = 403;
                   r.set_content("forbidden for " + refusing_url() + req.path
                                   + "\n" + std::string(2000, 'x'),
                                 "text/plain");
                 });
    serving.Get(".*", [](const httplib::Request&, httplib::Response& r) {
      r.set_content("v1.0.0\n", "text/plain");
    });
    threads[0] = std::thread([this] { refusing.listen_after_bind(); });
    threads[1] = std::thread([this] { serving.listen_after_bind(); });
  }
  ~Upstreams()
  {
    // stop() is a no-op until the accept loop runs: one answered request
    // each proves it does.
    (void)httplib::Client("127.0.0.1", refusing_port).Get("/");
    (void)httplib::Client("127.0.0.1", serving_port).Get("/");
    refusing.stop();
    serving.stop();
    for (auto& t : threads) {
      t.join();
    }
  }
  std::string
  refusing_url() const
  {
    return "http://alice:s3cret@127.0.0.1:" + std::to_string(refusing_port);
  }
  std::string
  serving_url() const
  {
    return "http://127.0.0.1:" + std::to_string(serving_port);
  }

  httplib::Server refusing;
  httplib::Server serving;
  int refusing_port = 0;
  int serving_port = 0;
  std::thread threads[2];
};

gpx::Result<gpx::agent::UpstreamAnswer>
walk(const std::string& chain_text)
{
  auto chain = parse_proxy_list(chain_text);
  REQUIRE(chain);
  Upstream up(std::move(*chain), HttpClientOptions{});
  return up.get("example.com/m/@v/list", 1 << 20);
}

} // namespace

TEST_SUITE("agent")
{
  TEST_CASE(
    "a 403 ends the walk after ',' as a refusal with its reason, bounded and "
    "redacted")
  {
    Upstreams u;
    auto a = walk(u.refusing_url() + "," + u.serving_url());
    REQUIRE(a);
    CHECK_FALSE(a->found);
    CHECK(a->status == 403);
    CHECK(a->body.starts_with("forbidden for http://alice:xxxxx@127.0.0.1:"));
    CHECK(a->body.find("s3cret") == std::string::npos);
    CHECK(a->body.find('\n') == std::string::npos);
    CHECK(a->body.size() <= 512);
    CHECK(a->origin.find("alice:xxxxx@") != std::string::npos);
  }

  TEST_CASE("after '|' a 403 falls through to the next entry")
  {
    Upstreams u;
    auto a = walk(u.refusing_url() + "|" + u.serving_url());
    REQUIRE(a);
    CHECK(a->found);
    CHECK(a->body == "v1.0.0\n");
  }

  TEST_CASE("a 403 last in the chain after '|' is still the answer")
  {
    Upstreams u;
    auto a = walk(u.refusing_url() + "|off");
    REQUIRE(a);
    CHECK(a->status == 403);
  }
}
