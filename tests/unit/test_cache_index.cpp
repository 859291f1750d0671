#include "../support/temp_dir.hpp"

#include <cache/index.hpp>

#include <doctest/doctest.h>
#include <sqlite3.h>

using gpx::cache::ArtifactRow;
using gpx::cache::Index;
using gpx::test::TempDir;

namespace {

ArtifactRow
row(std::string path, std::int64_t size, std::int64_t last_used)
{
  ArtifactRow r;
  r.path = std::move(path);
  r.module = "rsc.io/quote";
  r.version = "v1.5.2";
  r.kind = "zip";
  r.size = size;
  r.sha256 = std::string(64, 'a');
  r.h1 = "h1:abc=";
  r.origin = "https://proxy.example";
  r.fetched_at = 100;
  r.last_used_at = last_used;
  return r;
}

} // namespace

TEST_SUITE("cache")
{
  TEST_CASE("index rows round-trip, replace and disappear")
  {
    TempDir tmp;
    auto index = Index::open(tmp.path() / "index.db");
    REQUIRE(index);
    auto a = row("download/rsc.io/quote/@v/v1.5.2.zip", 1000, 10);
    a.expires_at = 4242;
    REQUIRE(index->put(a));
    auto got = index->get(a.path);
    REQUIRE(got);
    REQUIRE(got->has_value());
    CHECK(**got == a);

    // Its page cache given back (an agent gone quiet), the index reads
    // its pages again.
    index->release_memory();
    got = index->get(a.path);
    REQUIRE(got);
    REQUIRE(got->has_value());
    CHECK(**got == a);

    a.size = 2000;
    a.expires_at.reset();
    REQUIRE(index->put(a));
    got = index->get(a.path);
    REQUIRE(got);
    REQUIRE(got->has_value());
    CHECK((*got)->size == 2000);
    CHECK_FALSE((*got)->expires_at.has_value());

    REQUIRE(index->remove(a.path));
    got = index->get(a.path);
    REQUIRE(got);
    CHECK_FALSE(got->has_value());
  }

  TEST_CASE("LRU order, batched touches only move forward, totals")
  {
    TempDir tmp;
    auto index = Index::open(tmp.path() / "index.db");
    REQUIRE(index);
    REQUIRE(index->put(row("a", 10, 300)));
    REQUIRE(index->put(row("b", 20, 100)));
    REQUIRE(index->put(row("c", 30, 200)));
    REQUIRE(index->touch({{"b", 400}, {"c", 50}, {"gone", 999}}));

    auto lru = index->least_recently_used(10);
    REQUIRE(lru);
    REQUIRE(lru->size() == 3);
    CHECK((*lru)[0].path == "c"); // 200: the touch to 50 was older and ignored
    CHECK((*lru)[1].path == "a");
    CHECK((*lru)[2].path == "b");
    auto two = index->least_recently_used(2);
    REQUIRE(two);
    CHECK(two->size() == 2);

    auto t = index->totals();
    REQUIRE(t);
    CHECK(t->entries == 3);
    CHECK(t->bytes == 60);
  }

  TEST_CASE("prefix queries match literally (no LIKE wildcards)")
  {
    TempDir tmp;
    auto index = Index::open(tmp.path() / "index.db");
    REQUIRE(index);
    REQUIRE(index->put(row("download/a_b/@v/v1.0.0.mod", 1, 1)));
    REQUIRE(index->put(row("download/axb/@v/v1.0.0.mod", 1, 1)));
    REQUIRE(index->put(row("download/a_b/@v/v1.0.0.zip", 1, 1)));
    auto rows = index->with_prefix("download/a_b/");
    REQUIRE(rows);
    REQUIRE(rows->size() == 2);
    CHECK((*rows)[0].path == "download/a_b/@v/v1.0.0.mod");
    CHECK((*rows)[1].path == "download/a_b/@v/v1.0.0.zip");
  }

  TEST_CASE("rows of one module version, whatever their kind")
  {
    TempDir tmp;
    auto index = Index::open(tmp.path() / "index.db");
    REQUIRE(index);
    auto with = [](std::string path,
                   std::string module,
                   std::string version,
                   std::string kind) {
      auto r = row(std::move(path), 1, 1);
      r.module = std::move(module);
      r.version = std::move(version);
      r.kind = std::move(kind);
      return r;
    };
    REQUIRE(index->put(with("download/example.com/!a/@v/v1.0.0.mod",
                            "example.com/A",
                            "v1.0.0",
                            "mod")));
    REQUIRE(index->put(with("download/example.com/!a/@v/v1.0.1.mod",
                            "example.com/A",
                            "v1.0.1",
                            "mod")));
    REQUIRE(index->put(with("download/example.com/a/@v/v1.0.0.mod",
                            "example.com/a",
                            "v1.0.0",
                            "mod")));
    REQUIRE(index->put(with("sumdb/sum.example/lookup/example.com/!a@v1.0.0",
                            "example.com/A",
                            "v1.0.0",
                            "sumdb")));
    auto rows = index->of_version("example.com/A", "v1.0.0");
    REQUIRE(rows);
    REQUIRE(rows->size() == 2);
    CHECK((*rows)[0].kind == "mod");
    CHECK((*rows)[1].kind == "sumdb");
    CHECK(index->of_version("example.com/A", "v9.0.0").value().empty());
  }

  TEST_CASE(
    "counters and rows persist across reopen; two connections share the file")
  {
    TempDir tmp;
    auto db = tmp.path() / "index.db";
    {
      auto index = Index::open(db);
      REQUIRE(index);
      REQUIRE(index->add_counter("hits", 2));
      REQUIRE(index->add_counter("hits", 3));
      REQUIRE(index->put(row("x", 5, 5)));
      auto other = Index::open(db); // the CLI beside a running agent
      REQUIRE(other);
      auto seen = other->get("x");
      REQUIRE(seen);
      CHECK(seen->has_value());
      REQUIRE(other->add_counter("hits", 1));
    }
    auto index = Index::open(db);
    REQUIRE(index);
    auto hits = index->counter("hits");
    REQUIRE(hits);
    CHECK(*hits == 6);
    auto none = index->counter("never");
    REQUIRE(none);
    CHECK(*none == 0);
  }

  TEST_CASE("an index from a newer gpx is refused with advice")
  {
    TempDir tmp;
    auto db = tmp.path() / "index.db";
    {
      sqlite3* raw = nullptr;
      REQUIRE(sqlite3_open(db.c_str(), &raw) == SQLITE_OK);
      REQUIRE(
        sqlite3_exec(raw, "PRAGMA user_version = 99", nullptr, nullptr, nullptr)
        == SQLITE_OK);
      sqlite3_close(raw);
    }
    auto index = Index::open(db);
    REQUIRE_FALSE(index);
    CHECK(index.error().message.find("upgrade gpx") != std::string::npos);
  }

  TEST_CASE("a file that is not a database is an error, not a crash")
  {
    TempDir tmp;
    auto db = tmp.write("index.db", std::string(4096, 'x'));
    auto index = Index::open(db);
    REQUIRE_FALSE(index);
    CHECK(index.error().message.find("index") != std::string::npos);
  }
}
