#include "../support/fake_agent.hpp"
#include "../support/temp_dir.hpp"

#include <cli/prefetch_download.hpp>
#include <gomod/dirhash.hpp>
#include <gomod/zip.hpp>

#include <doctest/doctest.h>

#include <algorithm>

using namespace gpx::cli;
using gpx::gomod::Version;
using gpx::test::FakeAgent;
using gpx::test::TempDir;

namespace {

const char* const k_mod = "module example.com/lib\n\ngo 1.21\n";

// An agent serving example.com/lib@v1.0.0 and its checksum database record.
struct Fixture
{
  TempDir tmp;
  FakeAgent fake;
  AgentFiles agent{fake.url()};
  gpx::gomod::GoSum sums;
  std::map<std::string, std::string> mod_bodies;
  Version m{"example.com/lib", "v1.0.0"};
  std::string zip_h1;
  std::string mod_h1 = gpx::gomod::dirhash::hash_go_mod(k_mod);

  Fixture()
  {
    tmp.write("src/go.mod", k_mod);
    tmp.write("src/lib.go", "package lib\n");
    REQUIRE(gpx::gomod::zip::create_from_dir(
      tmp.path() / "lib.zip", m, tmp.path() / "src"));
    zip_h1 = gpx::gomod::dirhash::hash_zip(tmp.path() / "lib.zip").value();
    fake.set("/example.com/lib/@v/v1.0.0.info",
             {200, R"({"Version":"v1.0.0"})", "HIT"});
    fake.set("/example.com/lib/@v/v1.0.0.mod", {200, k_mod, "HIT"});
    fake.set("/example.com/lib/@v/v1.0.0.zip",
             {200, gpx::test::read_file(tmp.path() / "lib.zip"), "HIT"});
    set_record(zip_h1, mod_h1);
    sums.entries[m.str()] = {zip_h1, mod_h1};
  }

  void
  set_record(const std::string& zip, const std::string& mod)
  {
    fake.set("/sumdb/sum.example/lookup/example.com/lib@v1.0.0",
             {200,
              "7\nexample.com/lib v1.0.0 " + zip
                + "\nexample.com/lib v1.0.0/go.mod " + mod
                + "\n\ngo.sum database tree\n",
              "HIT"});
  }

  DownloadOutcome
  run(const Item& item, const std::string& nosumdb = "")
  {
    DownloadContext ctx{
      agent, sums, "sum.example", nosumdb, mod_bodies, tmp.path()};
    return download_one(item, ctx);
  }

  Item
  item(bool zip = true)
  {
    Item i;
    i.requested = m;
    i.source.mod = m;
    i.zip = zip;
    return i;
  }

  bool
  asked(const std::string& request)
  {
    auto r = fake.requests();
    return std::find(r.begin(), r.end(), request) != r.end();
  }
};

} // namespace

TEST_SUITE("cli")
{
  TEST_CASE(
    "download_one: .info, .mod, zip and the database's record, all matching "
    "go.sum")
  {
    Fixture f;
    auto out = f.run(f.item());
    CHECK(out.errors.empty());
    CHECK(out.mismatches.empty());
    CHECK(out.lookup_url
          == f.fake.url() + "/sumdb/sum.example/lookup/example.com/lib@v1.0.0");
    CHECK(f.asked("GET /example.com/lib/@v/v1.0.0.zip"));
    CHECK(f.asked("GET /sumdb/sum.example/lookup/example.com/lib@v1.0.0"));
    CHECK_FALSE(f.agent.fetched(f.m));
    // The hashed temporary is gone.
    CHECK(std::distance(std::filesystem::directory_iterator(f.tmp.path()), {})
          == 2); // src, lib.zip
  }

  TEST_CASE(
    "download_one: a go.mod the graph fetched is not asked again; no zip when "
    "none is wanted")
  {
    Fixture f;
    f.mod_bodies[f.m.str()] = k_mod;
    auto out = f.run(f.item(false));
    CHECK(out.errors.empty());
    CHECK_FALSE(f.asked("GET /example.com/lib/@v/v1.0.0.mod"));
    CHECK_FALSE(f.asked("GET /example.com/lib/@v/v1.0.0.zip"));
  }

  TEST_CASE(
    "download_one: a download that differs from go.sum or from the checksum "
    "database is a mismatch that names both")
  {
    Fixture f;
    auto wrong = "h1:" + std::string(43, 'A') + "=";
    f.sums.entries[f.m.str()] = {wrong, f.mod_h1};
    auto out = f.run(f.item());
    REQUIRE(out.mismatches.size() == 1);
    CHECK(out.mismatches[0]
          == "example.com/lib@v1.0.0: downloaded " + f.zip_h1 + ", go.sum has "
               + wrong);

    f.sums.entries[f.m.str()] = {f.zip_h1, f.mod_h1};
    f.set_record(f.zip_h1, wrong);
    out = f.run(f.item());
    REQUIRE(out.mismatches.size() == 1);
    CHECK(out.mismatches[0]
          == "example.com/lib@v1.0.0/go.mod: downloaded " + f.mod_h1
               + ", the checksum database sum.example has " + wrong);
  }

  TEST_CASE(
    "download_one: what the agent refuses is an error naming the file; "
    "GONOSUMDB modules are not looked up")
  {
    Fixture f;
    f.fake.set("/example.com/lib/@v/v1.0.0.zip",
               {502, "upstream down\nmore", "MISS"});
    auto out = f.run(f.item(), "example.com");
    REQUIRE(out.errors.size() == 1);
    CHECK(
      out.errors[0]
      == "example.com/lib@v1.0.0.zip: the agent answered 502: upstream down");
    CHECK(out.lookup_url.empty());
    CHECK_FALSE(
      f.asked("GET /sumdb/sum.example/lookup/example.com/lib@v1.0.0"));

    f.fake.set("/example.com/lib/@v/v1.0.0.info", {404, "gone", "MISS"});
    out = f.run(f.item());
    REQUIRE(out.errors.size() == 1);
    CHECK(out.errors[0]
          == "example.com/lib@v1.0.0.info: the agent answered 404: gone");
  }

  TEST_CASE(
    "download_one: a zip the agent had to fetch before (for go list) still "
    "counts as fetched")
  {
    Fixture f;
    auto item = f.item();
    item.zip_was_cached = false;
    auto out = f.run(item);
    CHECK(out.errors.empty());
    CHECK(f.agent.fetched(f.m));
  }
}
