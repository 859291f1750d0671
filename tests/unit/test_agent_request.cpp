#include <agent/request.hpp>

#include <doctest/doctest.h>

using gpx::agent::door_refusal;
using gpx::agent::Endpoint;
using gpx::agent::parse_request;

TEST_SUITE("agent")
{
  TEST_CASE("proxy paths: endpoint, unescaped module and version")
  {
    auto r =
      parse_request("/github.com/!azure/azure-sdk-for-go/@v/v1.0.0-!r!c1.zip");
    REQUIRE(r);
    CHECK(r->endpoint == Endpoint::zip);
    CHECK(r->module.path == "github.com/Azure/azure-sdk-for-go");
    CHECK(r->module.version == "v1.0.0-RC1");

    r = parse_request("/rsc.io/quote/v3/@v/list");
    REQUIRE(r);
    CHECK(r->endpoint == Endpoint::list);
    CHECK(r->module.path == "rsc.io/quote/v3");

    r = parse_request("/rsc.io/quote/@latest");
    REQUIRE(r);
    CHECK(r->endpoint == Endpoint::latest);

    r = parse_request("/gopkg.in/yaml.v2/@v/v2.4.0.mod");
    REQUIRE(r);
    CHECK(r->endpoint == Endpoint::mod);

    r = parse_request("/example.com/m/@v/master.info"); // a query
    REQUIRE(r);
    CHECK(r->endpoint == Endpoint::info);
    CHECK(r->module.version == "master");

    r = parse_request("/example.com/m/@v/v2.0.0+incompatible.zip");
    REQUIRE(r);
    CHECK(r->module.version == "v2.0.0+incompatible");

    r = parse_request("/sumdb/sum.golang.org/lookup/rsc.io/quote@v1.5.2");
    REQUIRE(r);
    CHECK(r->endpoint == Endpoint::sumdb);
    CHECK(r->sumdb_name == "sum.golang.org");
    CHECK(r->sumdb_path == "lookup/rsc.io/quote@v1.5.2");
    r = parse_request("/sumdb/localhost.localdev/sumdb/tile/8/0/000.p/167");
    REQUIRE(r);
    CHECK(r->sumdb_name == "localhost.localdev");
    CHECK(r->sumdb_path == "sumdb/tile/8/0/000.p/167");
  }

  TEST_CASE("bad input is refused before it reaches a file or an upstream")
  {
    for (const char* p : {
           "/../etc/passwd/@v/list",
           "/example.com/../../etc/@v/list",
           "/example.com/m/@v/../../../x.mod",
           "/example.com/m/@v/v1.0.0.mod/../x",
           "/example.com/M/@v/list",   // uppercase must arrive escaped
           "/example.com/!!m/@v/list", // non-canonical escape
           "/example.com/m/@v/v1.0.0-!R.info",
           "/example.com/m/@v/master.zip", // zips only for canonical versions
           "/example.com/m/@v/v1.2.mod",   // not canonical
           "/example.com/m/v2/@v/v1.0.0.mod", // major mismatch
           "/example.com/m/@v/v2.0.0.zip",    // v2 needs /v2 or +incompatible
           "/example.com/m%/@v/list",
           "/sumdb/../x/latest",
           "/sumdb/sum.golang.org/lookup/../../etc",
           "/sumdb/SUM/latest",
           "/sumdb/x",
           "example.com/m/@v/list",
         }) {
      std::string path = p;
      CAPTURE(path);
      CHECK_FALSE(parse_request(path));
    }
    CHECK_FALSE(parse_request(std::string("/example.com/m\0x/@v/list", 24)));
    CHECK_FALSE(parse_request("/" + std::string(5000, 'a') + ".com/@v/list"));
  }

  TEST_CASE("unknown paths are not-found, bad modules are invalid")
  {
    auto r = parse_request("/favicon.ico");
    REQUIRE_FALSE(r);
    CHECK(r.error().code == gpx::Error::Code::not_found);
    r = parse_request("/example.com/m/@v/v1.0.0.tar");
    REQUIRE_FALSE(r);
    CHECK(r.error().code == gpx::Error::Code::not_found);
    r = parse_request("/nodot/@v/list");
    REQUIRE_FALSE(r);
    CHECK(r.error().code == gpx::Error::Code::invalid);
  }

  TEST_CASE("the door: loopback Host with our port, no cross-site browsers")
  {
    CHECK(door_refusal("127.0.0.1:7070", 7070, "", "") == "");
    CHECK(door_refusal("localhost:7070", 7070, "", "") == "");
    CHECK(door_refusal("[::1]:7070", 7070, "", "") == "");
    CHECK(door_refusal(
            "127.0.0.1:7070", 7070, "http://localhost:7070", "same-origin")
          == "");
    CHECK(door_refusal("127.0.0.1:7070", 7070, "", "none") == "");

    CHECK(door_refusal("", 7070, "", "") != "");
    CHECK(door_refusal("evil.example:7070", 7070, "", "")
          != ""); // DNS rebinding
    CHECK(door_refusal("127.0.0.1.evil.example:7070", 7070, "", "") != "");
    CHECK(door_refusal("127.0.0.1", 7070, "", "") != ""); // port 80 implied
    CHECK(door_refusal("127.0.0.1:8080", 7070, "", "") != "");
    CHECK(door_refusal("127.1:7070", 7070, "", "") != "");
    CHECK(door_refusal("127.0.0.1:7070", 7070, "https://evil.example", "")
          != "");
    CHECK(door_refusal("127.0.0.1:7070", 7070, "null", "") != "");
    CHECK(door_refusal("127.0.0.1:7070", 7070, "http://127.0.0.1:9999", "")
          != "");
    CHECK(door_refusal("127.0.0.1:7070", 7070, "", "cross-site") != "");
    CHECK(door_refusal("127.0.0.1:7070", 7070, "", "same-site") != "");
  }
}
