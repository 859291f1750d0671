#include "../support/fake_sumdb.hpp"
#include "../support/temp_dir.hpp"

#include <agent/proxy_handler.hpp>
#include <cache/atomic_file.hpp>
#include <gomod/dirhash.hpp>
#include <gomod/zip.hpp>

#include <doctest/doctest.h>
#include <httplib.h>

#include <atomic>
#include <condition_variable>
#include <fstream>
#include <limits>
#include <map>
#include <set>
#include <thread>

namespace fs = std::filesystem;
using namespace gpx::agent;
using gpx::test::read_file;
using gpx::test::TempDir;

namespace {

// A scriptable upstream proxy on a free loopback port.
struct FakeUpstream
{
  httplib::Server http;
  int port = 0;
  std::thread thread;
  std::mutex mutex;
  std::map<std::string, std::pair<int, std::string>>
    answers; // path → status, body
  std::map<std::string, int> hits;
  std::map<std::string, int> heads; // of hits, the HEAD requests
  std::set<std::string> cut_paths;  // answered with a body cut short
  std::atomic<int> delay_ms{0};
  // While the gate is closed, every upstream answer waits.
  std::mutex gate_mutex;
  std::condition_variable gate_cv;
  bool gate_closed = false;

  FakeUpstream()
  {
    port = http.bind_to_any_port("127.0.0.1");
    // The upstream loop keeps idle connections: stop() waits out 1 s.
    http.set_keep_alive_timeout(1);
    http.Get(
      R"(/.*)", [this](const httplib::Request& req, httplib::Response& res) {
        if (delay_ms > 0) {
          std::this_thread::sleep_for(
            std::chrono::milliseconds(delay_ms.load()));
        }
        {
          std::unique_lock gate(gate_mutex);
          gate_cv.wait(gate, [this] { return !gate_closed; });
        }
        std::lock_guard lock(mutex);
        ++hits[req.path];
        if (req.method == "HEAD") {
          ++heads[req.path];
        }
        if (req.path.ends_with("/reset.zip")
            || cut_paths.count(req.path) != 0) {
          // Promise a body, send part of it, then drop the connection.
          res.set_content_provider(
            1 << 20,
            "application/zip",
            [](std::size_t offset, std::size_t, httplib::DataSink& sink) {
              if (offset > 0) {
                return false;
              }
              std::string part(1000, 'P');
              sink.write(part.data(), part.size());
              return true;
            });
          return;
        }
        auto it = answers.find(req.path);
        if (it == answers.end()) {
          res.status = 404;
          res.set_content("not found: " + req.path, "text/plain");
          return;
        }
        res.status = it->second.first;
        res.set_content(it->second.second, "application/octet-stream");
      });
    thread = std::thread([this] { http.listen_after_bind(); });
  }
  ~FakeUpstream()
  {
    http.stop();
    thread.join();
  }
  void
  set(const std::string& path, int status, std::string body)
  {
    std::lock_guard lock(mutex);
    answers[path] = {status, std::move(body)};
  }
  int
  count(const std::string& path)
  {
    std::lock_guard lock(mutex);
    return hits[path];
  }
  int
  count_heads(const std::string& path)
  {
    std::lock_guard lock(mutex);
    return heads[path];
  }
  std::string
  url() const
  {
    return "http://127.0.0.1:" + std::to_string(port);
  }
};

struct Fixture
{
  TempDir tmp;
  FakeUpstream up;
  std::unique_ptr<gpx::cache::Store> store;
  std::unique_ptr<Upstream> upstream;
  std::unique_ptr<ProxyHandler> handler;
  std::string zip_bytes;

  explicit Fixture(HandlerOptions options = {})
  {
    auto s = gpx::cache::Store::open(tmp.path() / "cache");
    REQUIRE(s);
    store = std::move(*s);
    auto chain = parse_proxy_list(up.url());
    REQUIRE(chain);
    upstream =
      std::make_unique<Upstream>(std::move(*chain), HttpClientOptions{});
    handler = std::make_unique<ProxyHandler>(*store, *upstream, options);

    tmp.write("src/go.mod", "module example.com/Lib\n\ngo 1.21\n");
    tmp.write("src/lib.go", "package lib\n");
    REQUIRE(gpx::gomod::zip::create_from_dir(tmp.path() / "lib.zip",
                                             {"example.com/Lib", "v1.2.0"},
                                             tmp.path() / "src"));
    zip_bytes = read_file(tmp.path() / "lib.zip");
    up.set("/example.com/!lib/@v/list", 200, "v1.1.0\nv1.2.0\n");
    up.set("/example.com/!lib/@v/v1.2.0.info",
           200,
           R"({"Version":"v1.2.0","Time":"2023-01-02T03:04:05Z"})");
    up.set("/example.com/!lib/@v/v1.2.0.mod",
           200,
           "module example.com/Lib\n\ngo 1.21\n");
    up.set("/example.com/!lib/@v/v1.2.0.zip", 200, zip_bytes);
  }

  Reply
  get(const std::string& path)
  {
    auto r = parse_request(path);
    REQUIRE(r);
    return settle(handler->handle(*r));
  }

  Reply
  head(const std::string& path)
  {
    auto r = parse_request(path);
    REQUIRE(r);
    r->head = true;
    return handler->handle(*r);
  }

  // A streamed answer as its client ends up with it: the whole body once the
  // download passed, or (aborted) the error it would have had unstreamed.
  static Reply
  settle(Reply r)
  {
    if (!r.stream) {
      return r;
    }
    auto st = r.stream->wait_beyond(std::numeric_limits<std::int64_t>::max(),
                                    std::chrono::seconds(60));
    REQUIRE(st.done);
    if (!st.ok) {
      return r.stream->error_reply();
    }
    Reply whole;
    whole.content_type = r.content_type;
    whole.body.resize(static_cast<std::size_t>(st.available));
    CHECK(r.stream->read_at(whole.body.data(), whole.body.size(), 0)
          == static_cast<long>(whole.body.size()));
    return whole;
  }
  std::string
  body(const Reply& r)
  {
    return r.file.empty() ? r.body : read_file(r.file);
  }
};

// A fixture whose upstream also serves a checksum database that knows
// example.com/Lib@v1.2.0, and an agent that proves against it.
struct SumdbFixture : Fixture
{
  gpx::test::FakeSumdb db{"sum.example/db"};
  HandlerOptions options;
  std::string zip_h1;

  SumdbFixture()
  {
    zip_h1 = gpx::gomod::dirhash::hash_zip(tmp.path() / "lib.zip").value();
    db.add("example.com/Other",
           "v0.1.0",
           "h1:" + std::string(43, 'a') + "=",
           "h1:" + std::string(43, 'b') + "=");
    db.add(
      "example.com/Lib",
      "v1.2.0",
      zip_h1,
      gpx::gomod::dirhash::hash_go_mod("module example.com/Lib\n\ngo 1.21\n"));
    db.add("example.com/Third",
           "v0.1.0",
           "h1:" + std::string(43, 'c') + "=",
           "h1:" + std::string(43, 'd') + "=");
    options = with_db();
    handler = std::make_unique<ProxyHandler>(*store, *upstream, options);
    publish();
  }

  HandlerOptions
  with_db()
  {
    HandlerOptions o;
    o.sumdb =
      gpx::gomod::sumdb::Database{false, db.name(), db.verifier_key(), ""};
    return o;
  }

  // What the database serves now: its head, its lookups, its tiles.
  void
  publish()
  {
    up.set("/sumdb/sum.example/db/supported", 200, "");
    up.set("/sumdb/sum.example/db/latest", 200, db.signed_tree());
    up.set("/sumdb/sum.example/db/lookup/example.com/!lib@v1.2.0",
           200,
           db.lookup("example.com/Lib", "v1.2.0"));
    for (const auto& [path, data] : db.tiles()) {
      up.set("/sumdb/sum.example/db/" + path, 200, data);
    }
  }
};

} // namespace

TEST_SUITE("agent")
{
  TEST_CASE("a miss fetches and caches; a hit does not ask upstream")
  {
    Fixture f;
    for (const char* p : {"/example.com/!lib/@v/v1.2.0.info",
                          "/example.com/!lib/@v/v1.2.0.mod",
                          "/example.com/!lib/@v/v1.2.0.zip"}) {
      CAPTURE(std::string(p));
      auto first = f.get(p);
      CHECK(first.status == 200);
      CHECK_FALSE(first.from_cache); // a miss, as /metrics counts it
      auto second = f.get(p);
      CHECK(second.status == 200);
      CHECK(second.from_cache);
      CHECK(f.up.count(p) == 1);
    }
    CHECK(f.body(f.get("/example.com/!lib/@v/v1.2.0.zip")) == f.zip_bytes);
    auto row = f.store->find("download/example.com/!lib/@v/v1.2.0.zip");
    REQUIRE(row);
    REQUIRE(row->has_value());
    CHECK((*row)->h1
          == gpx::gomod::dirhash::hash_zip(f.tmp.path() / "lib.zip").value());
    auto mod = f.store->find("download/example.com/!lib/@v/v1.2.0.mod");
    REQUIRE(mod);
    CHECK((*mod)->h1
          == gpx::gomod::dirhash::hash_go_mod(
            "module example.com/Lib\n\ngo 1.21\n"));
  }

  TEST_CASE(
    "a HEAD for a zip answers its length from the upstream's HEAD, and "
    "downloads and caches nothing")
  {
    Fixture f;
    const std::string zip = "/example.com/!lib/@v/v1.2.0.zip";
    auto miss = f.head(zip);
    CHECK(miss.status == 200);
    CHECK(miss.length == static_cast<std::int64_t>(f.zip_bytes.size()));
    CHECK(miss.file.empty());
    CHECK(miss.body.empty());
    CHECK_FALSE(miss.stream);
    CHECK(f.up.count(zip) == 1);
    CHECK(f.up.count_heads(zip) == 1);
    CHECK_FALSE(
      fs::exists(f.store->root() / "download/example.com/!lib/@v/v1.2.0.zip"));
    auto row = f.store->find("download/example.com/!lib/@v/v1.2.0.zip");
    REQUIRE(row);
    CHECK_FALSE(row->has_value());

    // Once cached, the file answers: no upstream request.
    CHECK(f.get(zip).status == 200);
    auto hit = f.head(zip);
    CHECK(hit.status == 200);
    CHECK(hit.from_cache);
    CHECK(hit.length == static_cast<std::int64_t>(f.zip_bytes.size()));
    CHECK(f.up.count(zip) == 2); // the HEAD and the GET
    CHECK(f.up.count_heads(zip) == 1);

    auto missing = f.head("/example.com/!lib/@v/v1.9.9.zip");
    CHECK(missing.status == 404);
    CHECK(missing.length == -1);

    HandlerOptions offline;
    offline.offline = true;
    f.handler = std::make_unique<ProxyHandler>(*f.store, *f.upstream, offline);
    CHECK(f.head("/example.com/!lib/@v/v1.1.0.zip").status == 404);
    CHECK(f.head(zip).length == static_cast<std::int64_t>(f.zip_bytes.size()));
  }

  TEST_CASE("404s are remembered briefly; lists refresh after their TTL")
  {
    HandlerOptions o;
    o.list_ttl = std::chrono::seconds(0);
    Fixture f(o);
    CHECK(f.get("/example.com/@v/list").status == 404);
    CHECK(f.get("/example.com/@v/list").status == 404);
    CHECK(f.up.count("/example.com/@v/list") == 1);

    CHECK(f.body(f.get("/example.com/!lib/@v/list")) == "v1.1.0\nv1.2.0\n");
    f.up.set("/example.com/!lib/@v/list", 200, "v1.1.0\nv1.2.0\nv1.3.0\n");
    CHECK(f.body(f.get("/example.com/!lib/@v/list"))
          == "v1.1.0\nv1.2.0\nv1.3.0\n");
    CHECK(f.up.count("/example.com/!lib/@v/list") == 2);
  }

  TEST_CASE(
    "when upstream fails, stale answers are served; offline serves the cache "
    "only")
  {
    HandlerOptions o;
    o.list_ttl = std::chrono::seconds(0);
    Fixture f(o);
    CHECK(f.get("/example.com/!lib/@v/list").status == 200);
    CHECK(f.get("/example.com/!lib/@v/v1.2.0.mod").status == 200);
    f.up.set("/example.com/!lib/@v/list", 500, "database on fire");
    auto stale = f.get("/example.com/!lib/@v/list");
    CHECK(stale.status == 200);
    CHECK(f.body(stale) == "v1.1.0\nv1.2.0\n");

    HandlerOptions off;
    off.offline = true;
    ProxyHandler offline(*f.store, *f.upstream, off);
    auto before = f.up.count("/example.com/!lib/@v/v1.2.0.zip");
    auto r = parse_request("/example.com/!lib/@v/v1.2.0.zip");
    REQUIRE(r);
    auto reply = offline.handle(*r);
    CHECK(reply.status == 404);
    CHECK(reply.body.find("offline") != std::string::npos);
    CHECK(f.up.count("/example.com/!lib/@v/v1.2.0.zip") == before);
    r = parse_request("/example.com/!lib/@v/v1.2.0.mod");
    REQUIRE(r);
    CHECK(offline.handle(*r).status == 200);
  }

  TEST_CASE("offline lists are built from what is cached")
  {
    Fixture f;
    CHECK(f.get("/example.com/!lib/@v/v1.2.0.mod").status == 200);
    HandlerOptions off;
    off.offline = true;
    ProxyHandler offline(*f.store, *f.upstream, off);
    auto r = parse_request("/example.com/!lib/@v/list");
    REQUIRE(r);
    auto reply = offline.handle(*r);
    CHECK(reply.status == 200);
    CHECK(reply.body == "v1.2.0\n");
  }

  TEST_CASE("bad downloads are never cached and say why")
  {
    Fixture f;
    f.up.set("/example.com/!lib/@v/v1.2.0.zip",
             200,
             f.zip_bytes.substr(0, f.zip_bytes.size() / 2));
    auto r = f.get("/example.com/!lib/@v/v1.2.0.zip");
    CHECK(r.status == 502);
    CHECK(r.body.find("bad zip") != std::string::npos);
    auto row = f.store->find("download/example.com/!lib/@v/v1.2.0.zip");
    REQUIRE(row);
    CHECK_FALSE(row->has_value());
    CHECK_FALSE(
      fs::exists(f.store->root() / "download/example.com/!lib/@v/v1.2.0.zip"));
    CHECK(fs::is_empty(f.store->root() / "tmp"));

    // A zip for another module version is refused too.
    TempDir other;
    other.write("go.mod", "module example.com/other\n");
    REQUIRE(gpx::gomod::zip::create_from_dir(
      other.path() / "o.zip", {"example.com/other", "v1.2.0"}, other.path()));
    f.up.set("/example.com/!lib/@v/v1.2.0.zip",
             200,
             read_file(other.path() / "o.zip"));
    CHECK(f.get("/example.com/!lib/@v/v1.2.0.zip").status == 502);

    f.up.set(
      "/example.com/!lib/@v/v1.2.0.info", 200, R"({"Version":"v9.9.9"})");
    CHECK(f.get("/example.com/!lib/@v/v1.2.0.info").status == 502);
    f.up.set(
      "/example.com/!lib/@v/v1.2.0.info", 200, "<html>captive portal</html>");
    CHECK(f.get("/example.com/!lib/@v/v1.2.0.info").status == 502);
    CHECK_FALSE(f.store->find("download/example.com/!lib/@v/v1.2.0.info")
                  .value()
                  .has_value());
  }

  TEST_CASE(
    "a zip past the module zip limit is abandoned at once, and nothing is "
    "cached")
  {
    HandlerOptions o;
    o.max_zip_size = 64 * 1024;
    Fixture f(o);
    f.up.set(
      "/example.com/!lib/@v/v1.2.0.zip", 200, std::string(8u << 20, 'z'));
    auto r = f.get("/example.com/!lib/@v/v1.2.0.zip");
    CHECK(r.status == 502);
    CHECK(r.body.find("larger than the module zip limit") != std::string::npos);
    CHECK_FALSE(f.store->find("download/example.com/!lib/@v/v1.2.0.zip")
                  .value()
                  .has_value());
    CHECK(fs::is_empty(f.store->root() / "tmp"));
  }

  TEST_CASE(
    "a zip that passed its checks but cannot be cached still reaches its "
    "client")
  {
    Fixture f;
    // A file where the module's directory would go: the commit fails.
    fs::create_directories(f.store->root() / "download/example.com/!lib");
    std::ofstream(f.store->root() / "download/example.com/!lib/@v") << "x";
    auto r = f.get("/example.com/!lib/@v/v1.2.0.zip");
    CHECK(r.status == 200);
    CHECK(f.body(r) == f.zip_bytes);
    CHECK_FALSE(f.store->find("download/example.com/!lib/@v/v1.2.0.zip")
                  .value()
                  .has_value());
  }

  TEST_CASE("identical concurrent requests share one upstream fetch")
  {
    Fixture f;
    f.up.delay_ms = 200;
    std::vector<std::thread> threads;
    std::atomic<int> ok{0};
    for (int i = 0; i < 8; ++i) {
      threads.emplace_back([&] {
        auto r = parse_request("/example.com/!lib/@v/v1.2.0.zip");
        if (!r) {
          return;
        }
        // Streamed or from the cache, every client gets the same bytes.
        auto reply = Fixture::settle(f.handler->handle(*r));
        if (reply.status == 200 && f.body(reply) == f.zip_bytes) {
          ++ok;
        }
      });
    }
    for (auto& t : threads) {
      t.join();
    }
    CHECK(ok == 8);
    CHECK(f.up.count("/example.com/!lib/@v/v1.2.0.zip") == 1);
  }
}

TEST_SUITE("agent")
{
  TEST_CASE(
    "checksum database: lookups, tiles and tree heads are served once proven, "
    "and offline")
  {
    SumdbFixture f;
    CHECK(f.get("/sumdb/sum.example/db/supported").status == 200);
    CHECK(f.get("/sumdb/other.example/supported").status == 404);
    auto lookup = f.get("/sumdb/sum.example/db/lookup/example.com/!lib@v1.2.0");
    REQUIRE(lookup.status == 200);
    auto rec = gpx::gomod::tlog::parse_record(f.body(lookup));
    REQUIRE(rec);
    CHECK(rec->text.find("example.com/Lib v1.2.0 " + f.zip_h1)
          != std::string::npos);
    CHECK(f.body(f.get("/sumdb/sum.example/db/latest")) == f.db.signed_tree());
    // The tiles the go command asks for to check that lookup: cached by the
    // agent's own proof, so the upstream is asked for each only once.
    for (const auto& tile : f.db.tiles()) {
      // Not a structured binding: CAPTURE's lambda cannot take one in clang 14.
      const auto& path = tile.first;
      const auto& data = tile.second;
      CAPTURE(path);
      CHECK(f.body(f.get("/sumdb/sum.example/db/" + path)) == data);
      CHECK(f.up.count("/sumdb/sum.example/db/" + path) <= 1);
    }
    CHECK(f.get("/example.com/!lib/@v/v1.2.0.zip").status == 200);
    CHECK(f.get("/example.com/!lib/@v/v1.2.0.mod").status == 200);

    // Nonsense never reaches the upstream or a file name.
    for (const char* p : {"/sumdb/sum.example/db/lookup/nodot@v1.0.0",
                          "/sumdb/sum.example/db/lookup/example.com/m",
                          "/sumdb/sum.example/db/tile/8/0/abc",
                          "/sumdb/sum.example/db/tile/8/x/001",
                          "/sumdb/sum.example/db/tile/8/0/001.p/abcd"}) {
      CAPTURE(std::string(p));
      auto r = parse_request(p);
      if (r) {
        CHECK(f.handler->handle(*r).status == 400);
      }
    }

    // Offline: what was proven before still is, from the cache alone.
    HandlerOptions off = f.options;
    off.offline = true;
    ProxyHandler offline(*f.store, *f.upstream, off);
    auto ask = [&](const std::string& p) {
      auto r = parse_request(p);
      REQUIRE(r);
      return offline.handle(*r);
    };
    CHECK(ask("/sumdb/sum.example/db/supported").status == 200);
    CHECK(ask("/sumdb/sum.example/db/lookup/example.com/!lib@v1.2.0").status
          == 200);
    for (const auto& [path, data] : f.db.tiles()) {
      CHECK(f.body(ask("/sumdb/sum.example/db/" + path)) == data);
    }
    CHECK(ask("/sumdb/sum.example/db/lookup/example.com/!lib@v1.3.0").status
          == 404);
  }

  TEST_CASE(
    "checksum database: forged lookups, tree heads and tiles are refused and "
    "never cached")
  {
    SumdbFixture f;
    const std::string lookup_path =
      "/sumdb/sum.example/db/lookup/example.com/!lib@v1.2.0";
    auto genuine = f.db.lookup("example.com/Lib", "v1.2.0");
    auto split = genuine.find("\n\n");
    auto head = genuine.substr(0, split + 2);
    auto tree_text = gpx::gomod::tlog::format_tree(f.db.tree());
    auto refused = [&](const std::string& body, const std::string& why) {
      CAPTURE(why);
      f.up.set(lookup_path, 200, body);
      auto r = f.get(lookup_path);
      CHECK(r.status == 502);
      CHECK(r.body.find(why) != std::string::npos);
      CHECK_FALSE(
        f.store->find("sumdb/sum.example/db/lookup/example.com/!lib@v1.2.0")
          .value()
          .has_value());
      CHECK(f.get("/example.com/!lib/@v/v1.2.0.mod").status == 502);
    };
    // Unsigned; signed by another key of the same name; a bad signature.
    refused(head + tree_text, "malformed note");
    gpx::test::FakeSumdb other("sum.example/db");
    refused(head + other.sign_tree(f.db.tree(), other.signer()), "unknown key");
    auto sig = f.db.signed_tree();
    auto at = sig.rfind('\n', sig.size() - 2);
    sig[at + 20] = sig[at + 20] == 'A' ? 'B' : 'A';
    refused(head + sig, "");
    // A tile whose hashes do not match the signed tree.
    auto tiles = f.db.tiles();
    auto first = tiles.begin();
    auto bad = first->second;
    bad[0] = static_cast<char>(bad[0] ^ 1);
    f.up.set("/sumdb/sum.example/db/" + first->first, 200, bad);
    refused(genuine, "downloaded inconsistent tile");
    CHECK(f.get("/sumdb/sum.example/db/" + first->first).status == 502);
    CHECK_FALSE(f.store->find("sumdb/sum.example/db/" + first->first)
                  .value()
                  .has_value());
    f.up.set("/sumdb/sum.example/db/" + first->first, 200, first->second);

    // A record the tree does not hold (its tree head and tiles are genuine,
    // and may be kept).
    auto forged = genuine;
    forged.replace(forged.find(f.zip_h1),
                   f.zip_h1.size(),
                   f.zip_h1.substr(0, f.zip_h1.size() - 2) + "A=");
    refused(forged, "cannot authenticate record");
    // Honest again: the same requests succeed and cache the right files.
    f.up.set(lookup_path, 200, genuine);
    CHECK(f.get(lookup_path).status == 200);
    CHECK(f.get("/example.com/!lib/@v/v1.2.0.mod").status == 200);
    CHECK(f.body(f.get("/sumdb/sum.example/db/" + first->first))
          == first->second);
  }

  TEST_CASE(
    "checksum database: a tree head inconsistent with a proven one stops the "
    "database")
  {
    SumdbFixture f;
    REQUIRE(f.get("/sumdb/sum.example/db/lookup/example.com/!lib@v1.2.0").status
            == 200);
    auto proven = f.db.tree();
    // Signed by the database's own key, same size, another history.
    auto forked = proven;
    forked.hash[0] ^= 1;
    f.up.set("/sumdb/sum.example/db/latest",
             200,
             f.db.sign_tree(forked, f.db.signer()));
    auto r = f.get("/sumdb/sum.example/db/latest");
    CHECK(r.status == 502);
    CHECK(r.body.find("SECURITY ERROR") != std::string::npos);
    // Nothing more is trusted from it, not even what was cached.
    CHECK(f.get("/sumdb/sum.example/db/lookup/example.com/!lib@v1.2.0").status
          == 502);
    CHECK(f.get("/example.com/!lib/@v/v1.2.0.zip").status == 502);
    // The forked head never replaced the proven one.
    auto latest = gpx::cache::read_small_file(f.store->root()
                                              / "sumdb/sum.example/db/latest");
    REQUIRE(latest);
    CHECK(*latest == f.db.signed_tree());
  }
}

TEST_SUITE("agent")
{
  TEST_CASE("private modules never reach an upstream or the checksum database")
  {
    gpx::test::FakeSumdb db("sum.example/db");
    HandlerOptions o;
    o.private_patterns = "example.com/!lib-not-a-glob,example.com/Lib";
    o.sumdb =
      gpx::gomod::sumdb::Database{false, db.name(), db.verifier_key(), ""};
    Fixture f(o);
    f.up.set("/sumdb/sum.example/db/supported", 200, "");
    f.up.set("/sumdb/sum.example/db/lookup/example.com/!lib@v1.2.0",
             200,
             "42\nexample.com/Lib v1.2.0 h1:x=\n\n");
    for (const char* p :
         {"/example.com/!lib/@v/list",
          "/example.com/!lib/@v/v1.2.0.info",
          "/example.com/!lib/@v/v1.2.0.zip",
          "/example.com/!lib/@latest",
          "/sumdb/sum.example/db/lookup/example.com/!lib@v1.2.0"}) {
      CAPTURE(std::string(p));
      auto r = f.get(p);
      CHECK(r.status == 404);
      CHECK(r.body.find("private module") != std::string::npos);
      CHECK(f.up.count(p) == 0);
    }
    CHECK(f.up.count("/sumdb/sum.example/db/lookup/example.com/!lib@v1.2.0")
          == 0);
    // Everything else as before.
    CHECK(f.get("/sumdb/sum.example/db/supported").status == 200);
  }

  TEST_CASE(
    "with a git source, private modules go to git and still never to an "
    "upstream")
  {
    TempDir git_dir;
    gpx::agent::GitSourceOptions g;
    g.dir = git_dir.path();
    g.offline =
      true; // no repository is reachable here: git answers "not found"
    gpx::agent::GitSource git(g);
    HandlerOptions o;
    o.private_patterns = "example.com/Lib";
    o.git = &git;
    Fixture f(o);
    for (const char* p : {"/example.com/!lib/@v/list",
                          "/example.com/!lib/@v/v1.2.0.info",
                          "/example.com/!lib/@v/v1.2.0.zip",
                          "/example.com/!lib/@latest"}) {
      CAPTURE(std::string(p));
      auto r = f.get(p);
      CHECK(r.status == 404);
      CHECK(r.body.find("repository unknown and the agent is offline")
            != std::string::npos);
      CHECK(f.up.count(p) == 0);
    }
  }

  TEST_CASE(
    "a download that contradicts the checksum database is refused, and nothing "
    "is cached")
  {
    SumdbFixture f;
    // The upstream serves another zip and go.mod for the same version.
    TempDir evil;
    evil.write("go.mod", "module example.com/Lib\n\ngo 1.21\n");
    evil.write("lib.go", "package lib // altered\n");
    REQUIRE(gpx::gomod::zip::create_from_dir(
      evil.path() / "e.zip", {"example.com/Lib", "v1.2.0"}, evil.path()));
    f.up.set(
      "/example.com/!lib/@v/v1.2.0.zip", 200, read_file(evil.path() / "e.zip"));
    f.up.set("/example.com/!lib/@v/v1.2.0.mod",
             200,
             "module example.com/Lib\n\ngo 1.21\n// appended\n");
    auto zip = f.get("/example.com/!lib/@v/v1.2.0.zip");
    CHECK(zip.status == 502);
    CHECK(zip.body.find("checksum mismatch") != std::string::npos);
    CHECK(zip.body.find(f.zip_h1) != std::string::npos);
    auto mod = f.get("/example.com/!lib/@v/v1.2.0.mod");
    CHECK(mod.status == 502);
    CHECK(mod.body.find("checksum mismatch") != std::string::npos);
    CHECK_FALSE(f.store->find("download/example.com/!lib/@v/v1.2.0.zip")
                  .value()
                  .has_value());
    CHECK_FALSE(f.store->find("download/example.com/!lib/@v/v1.2.0.mod")
                  .value()
                  .has_value());
    CHECK(fs::is_empty(f.store->root() / "tmp"));

    // A version the database does not know is refused too, and says how
    // to serve a module no public database knows.
    f.up.set(
      "/example.com/!lib/@v/v1.3.0.mod", 200, "module example.com/Lib\n");
    auto unknown = f.get("/example.com/!lib/@v/v1.3.0.mod");
    CHECK(unknown.status == 502);
    CHECK(unknown.body.find("nosumdb") != std::string::npos);

    // The genuine files pass.
    f.up.set("/example.com/!lib/@v/v1.2.0.zip", 200, f.zip_bytes);
    f.up.set("/example.com/!lib/@v/v1.2.0.mod",
             200,
             "module example.com/Lib\n\ngo 1.21\n");
    CHECK(f.get("/example.com/!lib/@v/v1.2.0.zip").status == 200);
    CHECK(f.get("/example.com/!lib/@v/v1.2.0.mod").status == 200);
    CHECK(f.store->find("download/example.com/!lib/@v/v1.2.0.zip")
            .value()
            .value()
            .proven);
  }

  TEST_CASE(
    "a file cached before gpx proved anything is proven on first use, or "
    "evicted and fetched again")
  {
    SumdbFixture f;
    // As an older gpx would have cached them: a tampered go.mod, unproven.
    gpx::cache::ArtifactRow row;
    row.path = "download/example.com/!lib/@v/v1.2.0.mod";
    row.module = "example.com/Lib";
    row.version = "v1.2.0";
    row.kind = "mod";
    std::string tampered = "module example.com/Lib\n\ngo 1.21\n// tampered\n";
    row.h1 = gpx::gomod::dirhash::hash_go_mod(tampered);
    REQUIRE(f.store->put(tampered, row));
    ProxyHandler restarted(*f.store, *f.upstream, f.options);
    auto r = parse_request("/example.com/!lib/@v/v1.2.0.mod");
    REQUIRE(r);
    auto reply = restarted.handle(*r);
    REQUIRE(reply.status == 200);
    CHECK(f.body(reply) == "module example.com/Lib\n\ngo 1.21\n");
    CHECK(f.up.count("/example.com/!lib/@v/v1.2.0.mod") == 1);
    CHECK(f.store->find(row.path).value().value().proven);
  }

  TEST_CASE(
    "stale-while-revalidate answers at once and refreshes in the background")
  {
    HandlerOptions o;
    o.list_ttl = std::chrono::seconds(0);
    o.stale_while_revalidate = true;
    Fixture f(o);
    CHECK(f.body(f.get("/example.com/!lib/@v/list")) == "v1.1.0\nv1.2.0\n");
    f.up.set("/example.com/!lib/@v/list", 200, "v1.1.0\nv1.2.0\nv1.3.0\n");
    {
      std::lock_guard gate(f.up.gate_mutex);
      f.up.gate_closed = true;
    }
    // Answered while the upstream cannot answer: it did not wait for it.
    auto stale = f.get("/example.com/!lib/@v/list");
    CHECK(f.body(stale) == "v1.1.0\nv1.2.0\n");
    {
      std::lock_guard gate(f.up.gate_mutex);
      f.up.gate_closed = false;
    }
    f.up.gate_cv.notify_all();
    // The refresh lands; wait for it by destroying the handler (it joins).
    f.handler.reset();
    auto row = f.store->find("download/example.com/!lib/@v/list");
    REQUIRE(row);
    REQUIRE(row->has_value());
    CHECK(read_file(f.store->root() / "download/example.com/!lib/@v/list")
          == "v1.1.0\nv1.2.0\nv1.3.0\n");
    CHECK(f.up.count("/example.com/!lib/@v/list") == 2);
  }
}

TEST_SUITE("agent")
{
  TEST_CASE(
    "faults: resets, 500s and oversized answers are clear errors and cache "
    "nothing")
  {
    Fixture f;
    {
      std::lock_guard lock(f.up.mutex);
      f.up.cut_paths.insert("/example.com/!lib/@v/v1.2.0.zip");
      f.up.cut_paths.insert("/example.com/!lib/@v/v1.2.0.mod");
    }
    auto zip = f.get("/example.com/!lib/@v/v1.2.0.zip");
    CHECK(zip.status == 502);
    auto mod = f.get("/example.com/!lib/@v/v1.2.0.mod");
    CHECK(mod.status == 502);
    CHECK(fs::is_empty(f.store->root() / "tmp"));
    CHECK_FALSE(
      fs::exists(f.store->root() / "download/example.com/!lib/@v/v1.2.0.zip"));
    CHECK_FALSE(
      fs::exists(f.store->root() / "download/example.com/!lib/@v/v1.2.0.mod"));

    f.up.set("/example.com/!lib/@v/v1.1.0.info",
             500,
             "internal error: database on fire");
    auto info = f.get("/example.com/!lib/@v/v1.1.0.info");
    CHECK(info.status == 502);
    CHECK(info.body.find("database on fire") != std::string::npos);

    f.up.set("/example.com/!lib/@v/v1.1.0.mod",
             200,
             std::string((16u << 20) + 1, 'm'));
    auto huge = f.get("/example.com/!lib/@v/v1.1.0.mod");
    CHECK(huge.status == 502);
    CHECK(huge.body.find("larger than") != std::string::npos);

    // The agent keeps answering other requests.
    CHECK(f.get("/example.com/!lib/@v/v1.2.0.info").status == 200);
    {
      std::lock_guard lock(f.up.mutex);
      f.up.cut_paths.clear();
    }
    CHECK(f.get("/example.com/!lib/@v/v1.2.0.zip").status == 200);
  }
}
