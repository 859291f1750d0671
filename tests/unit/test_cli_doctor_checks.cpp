#include <cli/doctor_checks.hpp>

#include <doctest/doctest.h>

using gpx::cli::Check;
using gpx::cli::Checks;
using gpx::cli::EnvOverride;
using Level = gpx::cli::Check::Level;

namespace {

const std::string k_agent = "http://127.0.0.1:7070";

EnvOverride
env(std::string name,
    std::string value,
    std::optional<std::string> file = std::nullopt)
{
  return EnvOverride{
    std::move(name), std::move(value), std::move(file), {"/home/me/.bashrc:3"}};
}

} // namespace

namespace {

gpx::agent::HttpResponse
response(long status)
{
  gpx::agent::HttpResponse r;
  r.status = status;
  return r;
}

} // namespace

TEST_SUITE("cli")
{
  TEST_CASE("judge_goproxy: the agent first, in any of GOPROXY's forms")
  {
    for (const auto& goproxy : {k_agent,
                                k_agent + ",https://proxy.golang.org",
                                k_agent + "|direct"}) {
      CAPTURE(goproxy);
      auto c = gpx::cli::judge_goproxy(goproxy, k_agent, {});
      REQUIRE(c.size() == 1);
      CHECK(c[0].level == Level::ok);
    }
    // A longer port is another address.
    CHECK(gpx::cli::judge_goproxy(k_agent + "0", k_agent, {})[0].level
          == Level::fail);
  }

  TEST_CASE(
    "judge_goproxy: not the agent, where gpx init fixes go env but not the "
    "environment")
  {
    auto plain =
      gpx::cli::judge_goproxy("https://proxy.golang.org", k_agent, {});
    REQUIRE(plain.size() == 1);
    CHECK(plain[0].name == "go_env.GOPROXY");
    CHECK(plain[0].level == Level::fail);
    CHECK(plain[0].fix.find("gpx init") != std::string::npos);

    auto from_env = gpx::cli::judge_goproxy(
      "https://proxy.golang.org",
      k_agent,
      {env("GOPROXY", "https://proxy.golang.org", k_agent)});
    REQUIRE(from_env.size() == 1);
    CHECK(from_env[0].name == "environment.GOPROXY");
    CHECK(from_env[0].level == Level::fail);
    CHECK(from_env[0].message.starts_with(
      "GOPROXY=https://proxy.golang.org is set in the environment"));
    CHECK(from_env[0].fix.find("/home/me/.bashrc:3") != std::string::npos);
    CHECK(from_env[0].fix.find("gpx init") == std::string::npos);

    // Without the variable, go env -w would still not name the agent: both
    // fixes.
    auto both =
      gpx::cli::judge_goproxy("https://proxy.golang.org",
                              k_agent,
                              {env("GOPROXY", "https://proxy.golang.org")});
    REQUIRE(both.size() == 1);
    CHECK(both[0].name == "environment.GOPROXY");
    CHECK(both[0].fix.find("unset GOPROXY") != std::string::npos);
    CHECK(both[0].fix.find("gpx init") != std::string::npos);
  }

  TEST_CASE(
    "judge_private: GOPRIVATE must cover the private patterns, GONOPROXY must "
    "not")
  {
    CHECK(gpx::cli::judge_private("", "", "", {}).empty());
    auto good =
      gpx::cli::judge_private("corp.example", "none", "corp.example", {});
    REQUIRE(good.size() == 1);
    CHECK(good[0].level == Level::ok);

    auto missing = gpx::cli::judge_private("", "none", "corp.example", {});
    REQUIRE(missing.size() == 1);
    CHECK(missing[0].level == Level::fail);
    CHECK(missing[0].name == "go_env.GOPRIVATE");

    auto env_missing =
      gpx::cli::judge_private("other.example",
                              "none",
                              "corp.example",
                              {env("GOPRIVATE", "other.example")});
    REQUIRE(env_missing.size() == 1);
    CHECK(env_missing[0].name == "environment.GOPRIVATE");

    // GONOPROXY empty defaults to GOPRIVATE: straight to git.
    auto past = gpx::cli::judge_private("corp.example", "", "corp.example", {});
    REQUIRE(past.size() == 2);
    CHECK(past[1].level == Level::warn);
    CHECK(past[1].name == "go_env.GONOPROXY");
  }

  TEST_CASE(
    "judge_overrides: a warning where the environment hides what go env -w "
    "wrote, once")
  {
    std::vector<EnvOverride> o = {env("GOFLAGS", "-mod=mod", "-modcacherw"),
                                  env("GONOSUMDB", "a", "a"),
                                  env("GOPRIVATE", "x"),
                                  env("GOPROXY", "https://p", k_agent)};
    Checks so_far = {Check{"environment.GOPROXY", Level::fail, "", ""}};
    auto c = gpx::cli::judge_overrides(o, so_far);
    REQUIRE(
      c.size()
      == 1); // GONOSUMDB agrees, GOPRIVATE hides nothing, GOPROXY already said
    CHECK(c[0].name == "environment.GOFLAGS");
    CHECK(c[0].level == Level::warn);
    CHECK(c[0].fix.find("unset GOFLAGS") != std::string::npos);
  }

  TEST_CASE("judge_cache_size and judge_upstream")
  {
    CHECK(gpx::cli::judge_cache_size("/c", 100, 1000).level == Level::ok);
    CHECK(gpx::cli::judge_cache_size("/c", 100, 0).level == Level::ok);
    CHECK(gpx::cli::judge_cache_size("/c", 2000, 1000).level == Level::warn);

    CHECK(gpx::cli::judge_upstream("https://p", response(404)).level
          == Level::ok);
    for (long status : {401L, 403L, 407L}) {
      CAPTURE(status);
      CHECK(gpx::cli::judge_upstream("https://p", response(status)).level
            == Level::fail);
    }
    gpx::Result<gpx::agent::HttpResponse> down =
      gpx::make_error(gpx::Error::Code::upstream, "connection refused");
    auto c = gpx::cli::judge_upstream("https://p", down);
    CHECK(c.level == Level::fail);
    CHECK(c.message.find("connection refused") != std::string::npos);
  }

  TEST_CASE("check_libraries: libcurl and libgit2 load here")
  {
    // The test command installs both; the agent loads them at run time.
    auto c = gpx::cli::check_libraries();
    CHECK(c.level == Level::ok);
    CHECK(c.message == "libraries: libcurl and libgit2 load");
  }

  TEST_CASE(
    "render_text and render_json: one line per check, a fix under each "
    "problem, counts")
  {
    Checks c = {Check{"go", Level::ok, "go: go1.26", ""},
                Check{"cache", Level::warn, "big", "prune"},
                Check{"agent", Level::fail, "down", "start it"}};
    CHECK(gpx::cli::render_text(c)
          == "ok    go: go1.26\nwarn  big\n      fix: prune\nFAIL  down\n      fix: start it\n"
             "gpx doctor: 1 problem, 1 warning\n");
    auto j = gpx::cli::render_json(c);
    CHECK(j["problems"] == 1);
    CHECK(j["warnings"] == 1);
    REQUIRE(j["checks"].size() == 3);
    CHECK(j["checks"][0]["fix"].is_null());
    CHECK(j["checks"][2]["level"] == "fail");
    CHECK(j["checks"][2]["check"] == "agent");
  }
}
