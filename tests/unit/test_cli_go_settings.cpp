#include <cli/go_settings.hpp>

#include <doctest/doctest.h>

#include <string>

using namespace gpx::cli;

TEST_SUITE("cli")
{
  TEST_CASE(
    "go_settings_from: GOPRIVATE is the default of GONOPROXY and GONOSUMDB; "
    "the agent's private patterns skip the database")
  {
    struct Case
    {
      std::map<std::string, std::string> values;
      std::string agent_private;
      GoSettings want;
    };
    const Case cases[] = {
      {{}, "", {"", "", "sum.golang.org"}},
      {{{"GOPRIVATE", "corp.example"}},
       "",
       {"corp.example", "corp.example", "sum.golang.org"}},
      {{{"GOPRIVATE", "corp.example"}, {"GONOPROXY", "none"}},
       "",
       {"none", "corp.example", "sum.golang.org"}},
      {{{"GOPRIVATE", "a.example"}, {"GONOSUMDB", "b.example"}},
       "",
       {"a.example", "b.example", "sum.golang.org"}},
      {{{"GOSUMDB", "off"}}, "", {"", "", "off"}},
      {{{"GOSUMDB", ""}}, "", {"", "", "sum.golang.org"}},
      {{{"GOPRIVATE", "a.example"}},
       "git.corp/*",
       {"a.example", "a.example,git.corp/*", "sum.golang.org"}},
      {{}, "git.corp/*", {"", "git.corp/*", "sum.golang.org"}},
    };
    for (const auto& c : cases) {
      CAPTURE(c.agent_private);
      auto got = go_settings_from(c.values, c.agent_private);
      CHECK(got.noproxy == c.want.noproxy);
      CHECK(got.nosumdb == c.want.nosumdb);
      CHECK(got.sumdb == c.want.sumdb);
    }
  }

  TEST_CASE("sumdb_name: the database's name in a GOSUMDB value")
  {
    const std::pair<const char*, const char*> cases[] = {
      {"sum.golang.org", "sum.golang.org"},
      {"sum.golang.org+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8",
       "sum.golang.org"},
      {"sum.golang.org https://sum.golang.google.cn", "sum.golang.org"},
      {"localhost.localdev/sumdb+00000c67+AcTrnkbUA+TU4heY3hkjiSES/DSQniBqIeQ/"
       "YppAUtK6",
       "localhost.localdev/sumdb"},
      {"off", ""},
    };
    for (const auto& [in, want] : cases) {
      CAPTURE(in);
      CHECK(sumdb_name(in) == want);
    }
  }

  // cmd/go/internal/toolchain's switch: toolchain line first, then the go
  // line; a language-only go line (1.21 and later) means its newest release.
  TEST_CASE("wanted_toolchain: the toolchain the go command would switch to")
  {
    const std::vector<std::string> listed = {
      "v0.0.1-go1.22.0.linux-amd64",
      "v0.0.1-go1.22.7.linux-amd64",
      "v0.0.1-go1.22.9.linux-amd64",
      "v0.0.1-go1.22rc1.linux-amd64",
      "v0.0.1-go1.22.12.darwin-arm64",
      "v0.0.1-go1.23.0.linux-amd64",
    };
    struct Case
    {
      const char* go;
      const char* toolchain;
      const char* local;
      const char* want;
    };
    const Case cases[] = {
      {"1.21", "", "1.21.5", ""},
      {"1.20", "", "1.21.5", ""},
      {"1.21.6", "", "1.21.5", "go1.21.6"},
      {"1.21", "go1.999testmod", "1.21.5", "go1.999testmod"},
      {"1.21", "go1.21.0", "1.21.5", ""},
      {"1.22",
       "",
       "1.21.5",
       "go1.22.9"}, // the newest 1.22 release listed for linux-amd64
      {"1.24", "", "1.21.5", "go1.24.0"}, // none listed: its first release
      {"1.20.3", "", "1.19.8", "go1.20.3"},
      {"1.20", "", "1.19.8", "go1.20"}, // before 1.21 a go line is a release
      {"", "", "1.21.5", ""},
    };
    for (const auto& c : cases) {
      CAPTURE(c.go);
      CAPTURE(c.toolchain);
      Project p;
      p.go_version = c.go;
      p.toolchain = c.toolchain;
      CHECK(wanted_toolchain(p, c.local, listed, "linux-amd64") == c.want);
    }
  }
}
