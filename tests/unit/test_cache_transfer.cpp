// What import reads from a bundle before it touches a file: the manifest
// and the names of the bundle's files. (Import and export end to end are
// in e2e/test_cli_transfer.sh.)

#include <cache/transfer.hpp>

#include <doctest/doctest.h>

using gpx::cache::bundle_file_row;
using gpx::cache::parse_bundle_manifest;

TEST_SUITE("cache")
{
  TEST_CASE(
    "a bundle manifest maps relative paths to sha256; anything else is refused")
  {
    auto m = parse_bundle_manifest(
      R"({"format": 1, "files": {"rsc.io/quote/@v/v1.5.2.mod": "ab12", "x": 5}})");
    REQUIRE(m);
    CHECK(m->size() == 1); // a non-string hash names no file
    CHECK(m->at("rsc.io/quote/@v/v1.5.2.mod") == "ab12");
    CHECK(parse_bundle_manifest(R"({"files": {}})").value().empty());
    for (const char* bad :
         {"", "[]", "{", R"({"files": []})", R"({"format": 1})", "null"}) {
      CAPTURE(bad);
      auto r = parse_bundle_manifest(bad);
      REQUIRE_FALSE(r);
      CHECK(r.error().message == "not a gpx bundle manifest");
    }
  }

  TEST_CASE(
    "a bundle's file names: canonical .info/.mod/.zip and checksum-database "
    "files only")
  {
    auto zip = bundle_file_row("github.com/!azure/sdk/@v/v1.0.0.zip");
    REQUIRE(zip);
    CHECK(zip->module == "github.com/Azure/sdk");
    CHECK(zip->version == "v1.0.0");
    CHECK(zip->kind == "zip");
    CHECK(zip->path == "download/github.com/!azure/sdk/@v/v1.0.0.zip");
    auto lookup =
      bundle_file_row("sumdb/sum.golang.org/lookup/rsc.io/quote@v1.5.2");
    REQUIRE(lookup);
    CHECK(lookup->kind == "sumdb");
    CHECK(lookup->module == "rsc.io/quote");
    CHECK(bundle_file_row("sumdb/sum.golang.org/latest").value().expires_at
          == 0);
    CHECK(bundle_file_row("sumdb/sum.golang.org/tile/8/0/000.p/5")
            .value()
            .expires_at
          == 0);
    for (const char* junk : {"rsc.io/quote/@v/list",
                             "rsc.io/quote/@v/master.info",
                             "rsc.io/quote/@v/v1.5.2.ziphash",
                             "rsc.io/quote/@v/v1.5.2.lock",
                             "../etc/@v/v1.0.0.mod",
                             "sumdb/x/lookup/bad",
                             "sumdb/x/other",
                             "gpx-bundle.json",
                             ""}) {
      CAPTURE(junk);
      CHECK_FALSE(bundle_file_row(junk));
    }
  }
}
