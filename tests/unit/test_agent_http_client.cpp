#include "../support/http_test_server.hpp"
#include "../support/temp_dir.hpp"

#include <agent/http_client.hpp>

#include <doctest/doctest.h>
#include <httplib.h>

#include <atomic>
#include <filesystem>
#include <functional>
#include <mutex>
#include <set>
#include <thread>

using gpx::agent::HttpClient;
using gpx::agent::HttpClientOptions;
using gpx::test::TestServer;

TEST_SUITE("agent")
{
  TEST_CASE("GET: body, status, redirect and size cap")
  {
    TestServer s;
    s.http.Get("/ok", [](const httplib::Request&, httplib::Response& r) {
      r.set_content("v1.0.0\n", "text/plain");
    });
    s.http.Get("/gone", [](const httplib::Request&, httplib::Response& r) {
      r.status = 410;
      r.set_content("not found: unknown revision", "text/plain");
    });
    s.http.Get("/moved", [](const httplib::Request&, httplib::Response& r) {
      r.set_redirect("/ok");
    });
    s.http.Get("/big", [](const httplib::Request&, httplib::Response& r) {
      r.set_content(std::string(100000, 'x'), "text/plain");
    });
    s.start();

    HttpClient client;
    auto r = client.get(s.url("/ok"), 1 << 20);
    REQUIRE(r);
    CHECK(r->status == 200);
    CHECK(r->body == "v1.0.0\n");
    CHECK(r->content_type == "text/plain");

    r = client.get(s.url("/gone"), 1 << 20);
    REQUIRE(r);
    CHECK(r->status == 410);
    CHECK(r->body == "not found: unknown revision");

    r = client.get(s.url("/moved"), 1 << 20);
    REQUIRE(r);
    CHECK(r->status == 200);
    CHECK(r->body == "v1.0.0\n");

    r = client.get(s.url("/big"), 1000);
    REQUIRE_FALSE(r);
    CHECK(r.error().message.find("larger than 1000 bytes")
          != std::string::npos);
    // The same client keeps working after an aborted transfer.
    r = client.get(s.url("/ok"), 1 << 20);
    REQUIRE(r);
    CHECK(r->status == 200);
  }

  TEST_CASE(
    "one connection pool for every thread: sequential misses from different "
    "threads reuse one connection")
  {
    TestServer s;
    std::mutex mutex;
    std::set<int> peers;                  // a connection is a client port
    s.http.set_keep_alive_max_count(100); // httplib closes after 5 by default
    s.http.Get("/x", [&](const httplib::Request& req, httplib::Response& r) {
      {
        std::lock_guard lock(mutex);
        peers.insert(req.remote_port);
      }
      r.set_content("x", "text/plain");
    });
    s.start();
    auto before = gpx::agent::http_connections_opened();
    for (int i = 0; i < 6; ++i) {
      // A new client on a new thread each time, as each server thread has.
      std::thread t([&] {
        HttpClient c;
        auto r = c.get(s.url("/x"), 16);
        REQUIRE(r);
        CHECK(r->status == 200);
      });
      t.join();
    }
    std::lock_guard lock(mutex);
    CHECK(peers.size() == 1);
    CHECK(gpx::agent::http_connections_opened() - before == 1);
  }

  TEST_CASE(
    "parallel transfers keep their connections: no more than there are at once")
  {
    TestServer s;
    s.http.set_keep_alive_max_count(1000);
    s.http.Get("/x", [&](const httplib::Request&, httplib::Response& r) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
      r.set_content("x", "text/plain");
    });
    s.start();
    auto before = gpx::agent::http_connections_opened();
    std::vector<std::thread> jobs;
    for (int j = 0; j < 8; ++j) {
      jobs.emplace_back([&] {
        HttpClient c;
        for (int i = 0; i < 10; ++i) {
          auto r = c.get(s.url("/x"), 16);
          CHECK((r && r->status == 200));
        }
      });
    }
    for (auto& t : jobs) {
      t.join();
    }
    // libcurl's default cache of 5 closed the rest after each transfer, so
    // 8 jobs opened a connection per request (1300 for one prefetch).
    CHECK(gpx::agent::http_connections_opened() - before <= 8);
  }

  TEST_CASE("a transfer budget bounds transfers at once, and so connections")
  {
    TestServer s;
    s.http.set_keep_alive_max_count(1000);
    std::atomic<int> now{0};
    std::atomic<int> most{0};
    s.http.Get("/x", [&](const httplib::Request&, httplib::Response& r) {
      int n = ++now;
      for (int m = most; n > m && !most.compare_exchange_weak(m, n);) {
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
      --now;
      r.set_content("x", "text/plain");
    });
    s.start();
    HttpClientOptions o;
    o.slots = std::make_shared<gpx::agent::TransferSlots>(2);
    auto before = gpx::agent::http_connections_opened();
    std::vector<std::thread> jobs;
    for (int j = 0; j < 6; ++j) {
      jobs.emplace_back([&] {
        HttpClient c(o);
        for (int i = 0; i < 5; ++i) {
          auto r = c.get(s.url("/x"), 16);
          CHECK((r && r->status == 200));
        }
      });
    }
    for (auto& t : jobs) {
      t.join();
    }
    CHECK(most <= 2);
    CHECK(gpx::agent::http_connections_opened() - before <= 2);
    // Every slot is back.
    CHECK(o.slots->try_acquire());
    CHECK(o.slots->try_acquire());
    CHECK_FALSE(o.slots->try_acquire());
  }

  TEST_CASE(
    "a request made inside a transfer does not wait for the slot that "
    "transfer holds")
  {
    TestServer s;
    s.http.Get("/zip", [&](const httplib::Request&, httplib::Response& r) {
      r.set_content(std::string(100000, 'z'), "application/zip");
    });
    s.http.Get("/small", [&](const httplib::Request&, httplib::Response& r) {
      r.set_content("s", "text/plain");
    });
    s.start();
    HttpClientOptions o;
    o.slots = std::make_shared<gpx::agent::TransferSlots>(1);
    HttpClient outer(o);
    HttpClient inner(o);
    int asked = 0;
    auto r =
      outer.get_stream(s.url("/zip"), [&](std::string_view) -> gpx::Status {
        if (asked++ == 0) {
          auto small = inner.get(s.url("/small"), 16);
          CHECK((small && small->body == "s"));
        }
        return {};
      });
    REQUIRE(r);
    CHECK(r->status == 200);
    CHECK(asked > 0);
    CHECK(o.slots->try_acquire());
  }

  TEST_CASE("streaming hands chunks to the sink; a sink error aborts")
  {
    TestServer s;
    std::string payload(3 << 20, '\0');
    for (std::size_t i = 0; i < payload.size(); ++i) {
      payload[i] = static_cast<char>(i * 7);
    }
    s.http.Get("/zip", [&](const httplib::Request&, httplib::Response& r) {
      r.set_content(payload, "application/zip");
    });
    s.http.Get("/missing", [](const httplib::Request&, httplib::Response& r) {
      r.status = 404;
      r.set_content("no such module", "text/plain");
    });
    s.start();

    HttpClient client;
    std::string got;
    int chunks = 0;
    auto r =
      client.get_stream(s.url("/zip"), [&](std::string_view d) -> gpx::Status {
        got.append(d);
        ++chunks;
        return {};
      });
    REQUIRE(r);
    CHECK(r->status == 200);
    CHECK(got == payload);
    CHECK(chunks > 1);

    std::size_t seen = 0;
    r =
      client.get_stream(s.url("/zip"), [&](std::string_view d) -> gpx::Status {
        seen += d.size();
        if (seen > 100000) {
          return gpx::make_error(gpx::Error::Code::io, "disk full");
        }
        return {};
      });
    REQUIRE_FALSE(r);
    CHECK(r.error().message == "disk full");

    bool called = false;
    r = client.get_stream(s.url("/missing"),
                          [&](std::string_view) -> gpx::Status {
                            called = true;
                            return {};
                          });
    REQUIRE(r);
    CHECK(r->status == 404);
    CHECK(r->body == "no such module");
    CHECK_FALSE(called);
  }

  TEST_CASE("netrc credentials are sent; errors never show a password")
  {
    TestServer s;
    s.http.Get(
      "/private", [](const httplib::Request& req, httplib::Response& r) {
        // "user:s3cret" in base64.
        if (req.get_header_value("Authorization") != "Basic dXNlcjpzM2NyZXQ=") {
          r.status = 401;
          return;
        }
        r.set_content("ok", "text/plain");
      });
    s.start();
    gpx::test::TempDir tmp;
    auto netrc =
      tmp.write("netrc", "machine 127.0.0.1 login user password s3cret\n");

    HttpClientOptions no_netrc;
    no_netrc.netrc_file = (tmp.path() / "none").string();
    HttpClient anonymous(no_netrc);
    auto r = anonymous.get(s.url("/private"), 1 << 10);
    REQUIRE(r);
    CHECK(r->status == 401);

    HttpClientOptions netrc_options;
    netrc_options.netrc_file = netrc.string();
    HttpClient with_netrc(netrc_options);
    r = with_netrc.get(s.url("/private"), 1 << 10);
    REQUIRE(r);
    CHECK(r->status == 200);

    // A refused connection (port 1 is never ours), with credentials in the URL.
    r = anonymous.get("http://user:s3cret@127.0.0.1:1/x", 1 << 10);
    REQUIRE_FALSE(r);
    CHECK(r.error().message.find("s3cret") == std::string::npos);
    CHECK(r.error().message.find("user:xxxxx@127.0.0.1:1")
          != std::string::npos);
  }

  TEST_CASE(
    "netrc: credentials only to their own host; a default entry is ignored, as "
    "the go command ignores it")
  {
    std::atomic<int> authorized{0};
    TestServer other; // "localhost": another host name than 127.0.0.1
    other.http.Get("/x",
                   [&](const httplib::Request& req, httplib::Response& r) {
                     authorized += req.has_header("Authorization") ? 1 : 0;
                     r.set_content("x", "text/plain");
                   });
    other.start();
    TestServer s;
    s.http.Get("/away", [&](const httplib::Request&, httplib::Response& r) {
      r.set_redirect("http://localhost:" + std::to_string(other.port) + "/x");
    });
    s.http.Get("/private",
               [&](const httplib::Request& req, httplib::Response& r) {
                 authorized += req.has_header("Authorization") ? 1 : 0;
                 r.set_content("x", "text/plain");
               });
    s.start();
    gpx::test::TempDir tmp;
    HttpClientOptions o;
    o.netrc_file =
      tmp.write("netrc", "machine 127.0.0.1 login user password s3cret\n")
        .string();
    {
      HttpClient c(o);
      auto r = c.get(s.url("/away"), 1 << 10);
      REQUIRE(r);
      CHECK(r->status == 200);
      CHECK(authorized == 0); // the redirect's host got no credentials
    }
    o.netrc_file =
      tmp.write("netrc2", "default login anyone password s3cret\n").string();
    {
      HttpClient c(o);
      auto r = c.get(s.url("/private"), 1 << 10);
      REQUIRE(r);
      CHECK(authorized == 0);
    }
  }
}

TEST_CASE("file:// upstreams: a file is a 200, a missing one a 404")
{
  gpx::test::TempDir tmp;
  tmp.write("m/@v/list", "v1.0.0\n");
  tmp.write("m/@v/empty", "");
  HttpClient client;
  auto base = "file://" + tmp.path().string();
  auto r = client.get(base + "/m/@v/list", 1024);
  REQUIRE(r);
  CHECK(r->status == 200);
  CHECK(r->body == "v1.0.0\n");
  r = client.get(base + "/m/@v/empty", 1024);
  REQUIRE(r);
  CHECK(r->status == 200);
  CHECK(r->body.empty());
  r = client.get(base + "/m/@v/v9.9.9.info", 1024);
  REQUIRE(r);
  CHECK(r->status == 404);
  std::string streamed;
  r = client.get_stream(base + "/m/@v/list",
                        [&](std::string_view d) -> gpx::Status {
                          streamed.append(d);
                          return {};
                        });
  REQUIRE(r);
  CHECK(r->status == 200);
  CHECK(streamed == "v1.0.0\n");
}

TEST_CASE("proxy environment: http_proxy is used, NO_PROXY bypasses it")
{
  // A stand-in for a corporate proxy: it answers every request itself and
  // records the absolute-form target it was asked for.
  TestServer proxy;
  std::string seen;
  proxy.http.Get(R"(.*)",
                 [&](const httplib::Request& req, httplib::Response& r) {
                   seen = req.target.empty() ? req.path : req.target;
                   r.set_content("via proxy", "text/plain");
                 });
  proxy.start();
  TestServer origin;
  origin.http.Get("/x", [](const httplib::Request&, httplib::Response& r) {
    r.set_content("direct", "text/plain");
  });
  origin.start();

  std::string proxy_url = "http://127.0.0.1:" + std::to_string(proxy.port);
  setenv("http_proxy", proxy_url.c_str(), 1);
  unsetenv("no_proxy");
  unsetenv("NO_PROXY");
  {
    HttpClient client;
    auto r = client.get("http://upstream.example/mod/@v/list", 1024);
    REQUIRE(r);
    CHECK(r->body == "via proxy");
    CHECK(seen.find("upstream.example") != std::string::npos);
  }
  setenv("NO_PROXY", "127.0.0.1", 1);
  {
    HttpClient client;
    auto r = client.get(origin.url("/x"), 1024);
    REQUIRE(r);
    CHECK(r->body == "direct");
  }
  unsetenv("http_proxy");
  unsetenv("NO_PROXY");
}
