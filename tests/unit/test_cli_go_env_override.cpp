#include "../support/temp_dir.hpp"

#include <cli/go_env_override.hpp>

#include <doctest/doctest.h>

#include <map>

using gpx::cli::EnvOverride;
using gpx::cli::go_env_overrides;
using gpx::cli::GoEnvFile;
using gpx::cli::override_fix;
using gpx::cli::override_message;
using gpx::cli::profile_lines_setting;
using gpx::test::TempDir;

namespace {

gpx::cli::GetEnv
fake_env(std::map<std::string, std::string> vars)
{
  return [vars](const std::string& name) -> std::optional<std::string> {
    auto it = vars.find(name);
    return it == vars.end() ? std::nullopt
                            : std::optional<std::string>(it->second);
  };
}

} // namespace

TEST_SUITE("cli")
{
  TEST_CASE(
    "go_env_overrides: set, non-empty variables win over the go env file")
  {
    TempDir home;
    GoEnvFile file{
      "/goenv",
      {{"GOPROXY", "http://127.0.0.1:7070,https://proxy.golang.org"},
       {"GOFLAGS", "-modcacherw"}}};
    auto env = fake_env({{"GOPROXY", "https://proxy.golang.org"},
                         {"GONOSUMDB", ""},
                         {"GOPRIVATE", "corp.example"}});
    auto found =
      go_env_overrides(file, gpx::cli::overridable_go_vars(), env, home.path());
    REQUIRE(found.size()
            == 2); // an empty GONOSUMDB does not override (cfg.Getenv)
    CHECK(found[0].name == "GOPROXY");
    CHECK(found[0].env_value == "https://proxy.golang.org");
    REQUIRE(found[0].file_value);
    CHECK(*found[0].file_value
          == "http://127.0.0.1:7070,https://proxy.golang.org");
    CHECK(found[1].name == "GOPRIVATE");
    CHECK_FALSE(found[1].file_value);
  }

  TEST_CASE(
    "profile_lines_setting: the shells' forms, in reading order, not "
    "lookalikes")
  {
    TempDir home;
    home.write(".profile", "PATH=$PATH:/x\nGOPROXY=direct\n");
    home.write(".bashrc",
               "# export GOPROXY=off\nexport GOPROXYX=1\n  export "
               "GOPROXY=https://a.example\n");
    home.write(".zshrc", "export GOFLAGS=-mod=mod\n");
    home.write(".config/fish/config.fish",
               "set -gx GOPROXY https://b.example\n");
    auto lines = profile_lines_setting("GOPROXY", home.path());
    std::vector<std::string> want = {
      (home.path() / ".profile").string() + ":2",
      (home.path() / ".bashrc").string() + ":3",
      (home.path() / ".config/fish/config.fish").string() + ":1"};
    // System-wide files may add lines after the user's own.
    REQUIRE(lines.size() >= want.size());
    CHECK(std::vector<std::string>(lines.begin(), lines.begin() + 3) == want);
  }

  TEST_CASE("profile_lines_setting: an oversized profile is skipped")
  {
    TempDir home;
    home.write(".bashrc", "export GOPROXY=x\n" + std::string(2u << 20, '#'));
    for (const auto& l : profile_lines_setting("GOPROXY", home.path())) {
      CHECK(l.find(".bashrc") == std::string::npos);
    }
  }

  TEST_CASE(
    "the message names the variable and both values, redacted, and the fix "
    "names the line and unset")
  {
    EnvOverride o{"GOPROXY",
                  "https://u:pw@proxy.corp.example",
                  std::string("http://127.0.0.1:7070"),
                  {"/home/me/.bashrc:12"}};
    auto message = override_message(o);
    CHECK(message == "GOPROXY=https://u:xxxxx@proxy.corp.example is set in the environment and overrides 'go env -w' "
                     "(which has GOPROXY=http://127.0.0.1:7070)");
    auto fix = override_fix(o);
    CHECK(fix.find("/home/me/.bashrc:12") != std::string::npos);
    CHECK(fix.find("unset GOPROXY") != std::string::npos);

    EnvOverride unknown{"GOFLAGS", "-mod=mod", std::nullopt, {}};
    CHECK(override_message(unknown).find("which sets nothing for it")
          != std::string::npos);
    CHECK(override_fix(unknown).find("shell profile") != std::string::npos);
  }
}
