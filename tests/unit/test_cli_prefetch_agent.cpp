#include "../support/fake_agent.hpp"

#include <cli/prefetch_agent.hpp>

#include <doctest/doctest.h>

using namespace gpx::cli;
using gpx::gomod::Version;
using gpx::test::FakeAgent;

TEST_SUITE("cli")
{
  TEST_CASE("module_url escapes path and version as the GOPROXY protocol does")
  {
    CHECK(module_url("http://a", {"github.com/Azure/x", "v1.0.0-RC1"}, ".zip")
          == "http://a/github.com/!azure/x/@v/v1.0.0-!r!c1.zip");
    CHECK(module_url("http://a", {"rsc.io/quote", "v1.5.2"}, ".mod")
          == "http://a/rsc.io/quote/@v/v1.5.2.mod");
  }

  TEST_CASE(
    "AgentFiles counts a module version fetched when any answer about it "
    "missed the agent's cache")
  {
    FakeAgent fake;
    fake.set("/example.com/hit/@v/v1.0.0.info", {200, "{}", "HIT"});
    fake.set("/example.com/hit/@v/v1.0.0.mod",
             {200, "module example.com/hit\n", "HIT"});
    fake.set("/example.com/miss/@v/v1.0.0.info", {200, "{}", "HIT"});
    fake.set("/example.com/miss/@v/v1.0.0.mod",
             {200, "module example.com/miss\n", "MISS"});
    fake.set("/example.com/silent/@v/v1.0.0.mod",
             {200, "module example.com/silent\n", ""});
    AgentFiles agent(fake.url());
    Version hit{"example.com/hit", "v1.0.0"};
    Version miss{"example.com/miss", "v1.0.0"};
    Version silent{"example.com/silent", "v1.0.0"};
    REQUIRE(agent.get(hit, ".info"));
    REQUIRE(agent.get(hit, ".mod"));
    REQUIRE(agent.get(miss, ".info"));
    auto body = agent.get(miss, ".mod");
    REQUIRE(body);
    CHECK(*body == "module example.com/miss\n");
    REQUIRE(agent.get(silent, ".mod"));
    CHECK_FALSE(agent.fetched(hit));
    CHECK(agent.fetched(miss));
    CHECK_FALSE(agent.fetched(silent));
    agent.note(hit, false);
    CHECK(agent.fetched(hit));
    CHECK(agent.bytes() == static_cast<std::int64_t>(2 + 23 + 2 + 24 + 26));

    auto gone = agent.get({"example.com/gone", "v1.0.0"}, ".info");
    REQUIRE_FALSE(gone);
    CHECK(gone.error().code == gpx::Error::Code::not_found);
    CHECK(gone.error().message == "example.com/gone@v1.0.0.info: the agent answered 404: not found: /example.com/gone/@v/v1.0.0.info");
  }

  TEST_CASE(
    "AgentFiles::zip_head: the size from a HEAD, and whether the agent had the "
    "zip")
  {
    FakeAgent fake;
    fake.set("/example.com/a/@v/v1.0.0.zip",
             {200, std::string(1234, 'z'), "MISS"});
    fake.set("/example.com/b/@v/v1.0.0.zip",
             {200, std::string(99, 'z'), "HIT"});
    AgentFiles agent(fake.url());
    auto a = agent.zip_head({"example.com/a", "v1.0.0"});
    CHECK(a.size == 1234);
    CHECK_FALSE(a.cached);
    auto b = agent.zip_head({"example.com/b", "v1.0.0"});
    CHECK(b.size == 99);
    CHECK(b.cached);
    auto none = agent.zip_head({"example.com/none", "v1.0.0"});
    CHECK(none.size == -1);
    CHECK(none.cached);
    // A HEAD is only a question: nothing is counted fetched, no bytes came.
    CHECK_FALSE(agent.fetched({"example.com/a", "v1.0.0"}));
    CHECK(agent.bytes() == 0);
    for (const auto& r : fake.requests()) {
      CHECK(r.starts_with("HEAD "));
    }
  }
}
