#include "../support/temp_dir.hpp"

#include <cli/prefetch_locate.hpp>

#include <doctest/doctest.h>

#include <string>

namespace fs = std::filesystem;
using gpx::test::TempDir;

TEST_SUITE("cli")
{
  // As cmd/go/internal/modload finds them (FindGoWork, findModuleRoot),
  // with paths relative to the temporary directory.
  TEST_CASE("locate_project finds go.mod and go.work as the go command does")
  {
    TempDir t;
    t.write("mod/go.mod", "module example.com/mod\n");
    t.write("mod/internal/x/x.go", "package x\n");
    t.write("mod/main.go", "package main\n");
    t.write("ws/go.work", "go 1.21\n\nuse ./a\n");
    t.write("ws/a/go.mod", "module example.com/a\n");
    t.write("ws/a/deep/er/y.go", "package er\n");
    t.write("ws/other.work", "go 1.21\n");
    fs::create_directories(t.path() / "nowhere");

    struct Case
    {
      const char* arg;
      std::string gowork; // "@" prefix: relative to the temp dir
      const char* want;   // "" when an error is wanted
      const char* error;  // a part of the error
    };
    const Case cases[] = {
      {"mod", "", "mod/go.mod", ""},
      {"mod/", "", "mod/go.mod", ""},
      {"mod/.", "", "mod/go.mod", ""},
      {"mod/internal/x", "", "mod/go.mod", ""},
      {"mod/internal/x/../..", "", "mod/go.mod", ""},
      {"mod/go.mod", "", "mod/go.mod", ""},
      {"mod/internal/x", "off", "mod/go.mod", ""},
      {"mod/internal/x", "auto", "mod/go.mod", ""},
      // A go.work in a parent wins over the module's go.mod, unless off.
      {"ws/a/deep/er", "", "ws/go.work", ""},
      {"ws/a", "auto", "ws/go.work", ""},
      {"ws/a", "off", "ws/a/go.mod", ""},
      {"ws", "off", "", "GOWORK=off leaves out"},
      // GOWORK names the workspace wherever the directory is.
      {"mod", "@ws/go.work", "ws/go.work", ""},
      {"mod", "@ws/other.work", "ws/other.work", ""},
      {"ws/other.work", "", "ws/other.work", ""},
      {"mod", "go.work", "", "not an absolute path"},
      {"mod", "@ws/missing.work", "", "no such file"},
      // Not a project.
      {"mod/main.go", "", "", "not a go.mod or go.work file"},
      {"nowhere", "off", "", "no go.mod in"},
      {"missing", "", "", "no such file or directory"},
    };
    for (const auto& c : cases) {
      CAPTURE(c.arg);
      CAPTURE(c.gowork);
      auto gowork = c.gowork.starts_with("@")
                      ? (t.path() / c.gowork.substr(1)).string()
                      : c.gowork;
      auto got = gpx::cli::locate_project(t.path() / c.arg, gowork);
      if (std::string(c.want).empty()) {
        REQUIRE_FALSE(got);
        CHECK(got.error().message.find(c.error) != std::string::npos);
      } else {
        REQUIRE(got);
        CHECK(*got == t.path() / c.want);
      }
    }
  }

  TEST_CASE(
    "locate_project answers an absolute, clean path for a relative argument")
  {
    TempDir t;
    t.write("mod/go.mod", "module example.com/mod\n");
    t.write("mod/sub/s.go", "package sub\n");
    auto cwd = fs::current_path();
    fs::current_path(t.path() / "mod" / "sub");
    auto dot = gpx::cli::locate_project(".", "off");
    auto empty = gpx::cli::locate_project("", "off");
    auto up = gpx::cli::locate_project("../go.mod", "off");
    fs::current_path(cwd);
    REQUIRE(dot);
    CHECK(*dot == t.path() / "mod/go.mod");
    REQUIRE(empty);
    CHECK(*empty == t.path() / "mod/go.mod");
    REQUIRE(up);
    CHECK(*up == t.path() / "mod/go.mod");
  }
}
