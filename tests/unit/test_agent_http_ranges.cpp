#include "../support/http_test_server.hpp"
#include "../support/temp_dir.hpp"

#include <agent/http_client.hpp>
#include <agent/transfer_slots.hpp>

#include <doctest/doctest.h>
#include <httplib.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <thread>

using gpx::agent::HttpClient;
using gpx::agent::HttpClientOptions;
using gpx::test::TestServer;

namespace {

// 300,000 bytes, more than split_options' split_size, in no simple pattern.
std::string
split_payload()
{
  std::string data;
  for (unsigned i = 0; i < 300000; ++i) {
    data += static_cast<char>('a' + (i * 7919u) % 26u);
  }
  return data;
}

// Up to four parts at once for anything over 64 KiB, spooled in spool.
HttpClientOptions
split_options(const gpx::test::TempDir& spool)
{
  HttpClientOptions o;
  o.split_size = 64 * 1024;
  o.split_parts = 4;
  o.spool_dir = spool.path().string();
  return o;
}

// The ranges split_options cut split_payload into: four for each part.
constexpr int k_split_ranges = 16;

// The most requests a test server's handler served at once; each holds on
// for a moment, so that requests sent together overlap.
class Concurrency
{
public:
  class Hold
  {
  public:
    explicit Hold(Concurrency& c)
      : m_c(c)
    {
      int n = ++m_c.m_now;
      for (int m = m_c.m_most;
           n > m && !m_c.m_most.compare_exchange_weak(m, n);) {
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(3));
    }
    ~Hold()
    {
      --m_c.m_now;
    }
    Hold(const Hold&) = delete;
    Hold& operator=(const Hold&) = delete;

  private:
    Concurrency& m_c;
  };

  int
  most() const
  {
    return m_most;
  }

private:
  std::atomic<int> m_now{0};
  std::atomic<int> m_most{0};
};

// The whole answer of a streamed GET, which must be a 200.
std::string
stream_all(HttpClient& c, const std::string& url)
{
  std::string got;
  auto r = c.get_stream(url, [&](std::string_view d) -> gpx::Status {
    got.append(d);
    return {};
  });
  REQUIRE(r);
  CHECK(r->status == 200);
  return got;
}

} // namespace

TEST_SUITE("agent")
{
  TEST_CASE(
    "a large answer from a server that serves ranges is fetched in parallel "
    "parts, handed over in order")
  {
    const std::string data = split_payload();
    gpx::test::TempDir spool;
    HttpClientOptions o = split_options(spool);
    auto fetch = [&](TestServer& s) {
      s.start();
      HttpClient c(o);
      return stream_all(c, s.url("/big.zip"));
    };
    std::atomic<int> ranged{0};
    Concurrency busy;
    auto serve_ranges = [&](TestServer& s) {
      s.http.Get("/big.zip",
                 [&](const httplib::Request& req, httplib::Response& r) {
                   ranged += req.has_header("Range") ? 1 : 0;
                   Concurrency::Hold hold(busy);
                   r.set_header("Accept-Ranges", "bytes");
                   r.set_content(data, "application/zip");
                 });
    };
    SUBCASE("ranges honoured: the same bytes, four parts at once at most")
    {
      TestServer s;
      serve_ranges(s);
      auto before = HttpClient::range_requests();
      CHECK(fetch(s) == data);
      // Cut into k_split_ranges; the first came whole, cut where it ends.
      CHECK(ranged == k_split_ranges - 1);
      CHECK(HttpClient::range_requests() - before == k_split_ranges - 1);
      CHECK(busy.most() <= 4);
      CHECK(busy.most() >= 2);
    }
    SUBCASE("a transfer budget: the extra parts take only free slots")
    {
      TestServer s;
      serve_ranges(s);
      o.slots = std::make_shared<gpx::agent::TransferSlots>(3);
      SUBCASE("three free: three parts at once at most")
      {
        CHECK(fetch(s) == data);
        CHECK(ranged == k_split_ranges - 1);
        CHECK(busy.most() <= 3);
      }
      SUBCASE("one free, taken by the first part: one request")
      {
        o.slots = std::make_shared<gpx::agent::TransferSlots>(1);
        CHECK(fetch(s) == data);
        CHECK(ranged == 0);
      }
      SUBCASE("two held elsewhere: one request")
      {
        REQUIRE(o.slots->try_acquire());
        REQUIRE(o.slots->try_acquire());
        CHECK(fetch(s) == data);
        CHECK(ranged == 0);
        o.slots->release();
        o.slots->release();
      }
      // Every slot is back.
      for (int i = 0; i < o.slots->capacity(); ++i) {
        CHECK(o.slots->try_acquire());
      }
      CHECK_FALSE(o.slots->try_acquire());
    }
    SUBCASE("ranges advertised but ignored: still the same bytes")
    {
      TestServer s;
      s.http.Get("/big.zip",
                 [&](const httplib::Request& req, httplib::Response& r) {
                   ranged += req.has_header("Range") ? 1 : 0;
                   const_cast<httplib::Request&>(req)
                     .ranges.clear(); // a server that answers 200 regardless
                   r.set_header("Accept-Ranges", "bytes");
                   r.set_content(data, "application/zip");
                 });
      CHECK(fetch(s) == data);
      CHECK(ranged >= 1);
    }
    SUBCASE("no Accept-Ranges: one request")
    {
      TestServer s;
      s.http.Get("/big.zip",
                 [&](const httplib::Request& req, httplib::Response& r) {
                   ranged += req.has_header("Range") ? 1 : 0;
                   r.set_content(data, "application/zip");
                 });
      CHECK(fetch(s) == data);
      CHECK(ranged == 0);
    }
    CHECK(std::filesystem::is_empty(spool.path()));
  }

  TEST_CASE(
    "after a HEAD, a split download asks every part by range and "
    "keeps every connection")
  {
    const std::string data = split_payload();
    gpx::test::TempDir spool;
    HttpClientOptions o = split_options(spool);
    TestServer s;
    s.http.set_keep_alive_max_count(1000);
    std::atomic<int> ranged{0};
    std::atomic<bool> honour{true};
    s.http.Get("/big.zip",
               [&](const httplib::Request& req, httplib::Response& r) {
                 ranged += req.has_header("Range") ? 1 : 0;
                 if (!honour) {
                   const_cast<httplib::Request&>(req).ranges.clear();
                 }
                 r.set_header("Accept-Ranges", "bytes");
                 r.set_content(data, "application/zip");
               });
    s.start();
    auto fetch = [&] {
      HttpClient c(o);
      auto h = c.head(s.url("/big.zip"));
      REQUIRE(h);
      CHECK(h->content_length == static_cast<std::int64_t>(data.size()));
      return stream_all(c, s.url("/big.zip"));
    };
    SUBCASE("ranges honoured")
    {
      auto before = gpx::agent::http_connections_opened();
      CHECK(fetch() == data);
      CHECK(ranged == k_split_ranges); // the first part too
      CHECK(gpx::agent::http_connections_opened() - before <= 4);
      // Had a part's answer been cut short, its connection would be gone
      // and the second download would open it again: never more than the
      // four that can be busy at once.
      CHECK(fetch() == data);
      CHECK(ranged == 2 * k_split_ranges);
      CHECK(gpx::agent::http_connections_opened() - before <= 4);
    }
    SUBCASE("ranges advertised but ignored: still the same bytes")
    {
      honour = false;
      CHECK(fetch() == data);
      CHECK(ranged >= 1);
    }
    CHECK(std::filesystem::is_empty(spool.path()));
  }

  TEST_CASE(
    "a split download takes connections freed halfway, and gives them back "
    "to a request that waits")
  {
    const std::string data = split_payload();
    gpx::test::TempDir spool;
    HttpClientOptions o = split_options(spool);
    o.slots = std::make_shared<gpx::agent::TransferSlots>(2);
    TestServer s;
    s.http.set_keep_alive_max_count(1000);
    Concurrency busy;
    std::atomic<int> ranged{0};
    std::function<void()> on_range = [] {};
    s.http.Get("/big.zip",
               [&](const httplib::Request& req, httplib::Response& r) {
                 if (req.has_header("Range") && ranged++ == 0) {
                   on_range();
                 }
                 Concurrency::Hold hold(busy);
                 r.set_header("Accept-Ranges", "bytes");
                 r.set_content(data, "application/zip");
               });
    std::atomic<int> ranged_when_small = -1;
    s.http.Get("/small", [&](const httplib::Request&, httplib::Response& r) {
      ranged_when_small = ranged.load();
      r.set_content("s", "text/plain");
    });
    s.start();
    auto fetch = [&] {
      HttpClient c(o);
      REQUIRE(c.head(s.url("/big.zip")));
      return stream_all(c, s.url("/big.zip"));
    };
    SUBCASE("a slot freed after the first range is taken")
    {
      // The other slot is busy when the download starts: one part.
      REQUIRE(o.slots->try_acquire());
      on_range = [&] { o.slots->release(); };
      CHECK(fetch() == data);
      CHECK(ranged == k_split_ranges);
      CHECK(busy.most() == 2);
    }
    SUBCASE("a request that waits gets a connection before the split ends")
    {
      std::thread small;
      on_range = [&] {
        // Both slots are the split's: its first part and a worker.
        small = std::thread([&] {
          HttpClient c(o);
          auto r = c.get(s.url("/small"), 16);
          CHECK((r && r->body == "s"));
        });
      };
      CHECK(fetch() == data);
      small.join();
      CHECK(ranged_when_small >= 1);
      CHECK(ranged_when_small < k_split_ranges);
    }
    // Every slot is back.
    CHECK(o.slots->try_acquire());
    CHECK(o.slots->try_acquire());
    CHECK_FALSE(o.slots->try_acquire());
    CHECK(std::filesystem::is_empty(spool.path()));
  }
}
