// Mirrors of a git repository made here with the git command (a missing
// git fails the test), fetched through file://.

#include "../support/temp_dir.hpp"

#include <agent/git_mirror.hpp>
#include <gomod/repo_versions.hpp>

#include <doctest/doctest.h>

#include <array>
#include <cstdio>
#include <cstdlib>

using gpx::agent::GitMirror;
using gpx::test::TempDir;

namespace {

// Runs a shell command in dir with a fixed identity; its trimmed stdout.
std::string
sh(const std::filesystem::path& dir, const std::string& command)
{
  std::string full = "cd '" + dir.string() + "' && export GIT_CONFIG_NOSYSTEM=1 HOME='" + dir.string() +
                     "' GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@t.invalid GIT_COMMITTER_NAME=t GIT_COMMITTER_EMAIL=t@t.invalid "
                     "GIT_AUTHOR_DATE=2023-01-02T03:04:05Z GIT_COMMITTER_DATE=2023-01-02T03:04:05Z && " +
                     command;
  INFO(full);
  FILE* p = popen(full.c_str(), "r");
  REQUIRE(p != nullptr);
  std::string out;
  std::array<char, 256> buf;
  while (fgets(buf.data(), buf.size(), p) != nullptr) {
    out += buf.data();
  }
  REQUIRE(pclose(p) == 0);
  while (!out.empty() && out.back() == '\n') {
    out.pop_back();
  }
  return out;
}

} // namespace

TEST_SUITE("agent")
{
  TEST_CASE(
    "a mirror fetches tags and branches; revisions, times and files come from "
    "it")
  {
    TempDir tmp;
    auto src = tmp.path() / "src";
    std::filesystem::create_directories(src);
    sh(src,
       "git init -q -b main && printf 'module corp.example/lib\\n' >go.mod && "
       "echo a >a.go && git add -A && git commit -qm one && git tag v1.0.0");
    sh(src,
       "echo b >b.go && git add -A && git commit -qm two && git tag -a -m "
       "release v1.1.0 && git tag sub/v1.0.0 && git tag junk");
    auto head = sh(src, "git rev-parse HEAD");
    auto first = sh(src, "git rev-parse v1.0.0");

    auto mirror =
      GitMirror::open(tmp.path() / "mirror", "file://" + src.string());
    REQUIRE(mirror);
    REQUIRE(mirror->fetch(gpx::agent::GitAuth{}));
    auto tags = mirror->tags();
    CHECK(
      tags
      == std::vector<std::string>{"junk", "sub/v1.0.0", "v1.0.0", "v1.1.0"});
    CHECK(mirror->resolve("v1.1.0").value()
          == head); // annotated: peeled to the commit
    CHECK(mirror->resolve("main").value() == head);
    CHECK(mirror->resolve(first.substr(0, 12)).value() == first);
    CHECK_FALSE(mirror->resolve("v9.9.9"));
    // libgit2 takes a C string: a revision with a NUL would be read up to it
    // and name "main" (found by fuzz_git_ref).
    CHECK_FALSE(mirror->resolve(std::string("main\0junk", 9)));
    CHECK_FALSE(mirror->stat(std::string("v1.0.0\0", 7)));
    CHECK_FALSE(
      mirror->read_file(std::string("v1.0.0\0x", 8), "go.mod", 1 << 20));
    CHECK(mirror->commit_time("v1.0.0").value()
          == 1672628645); // 2023-01-02T03:04:05Z
    CHECK(mirror->read_file("v1.0.0", "go.mod", 1 << 20).value()
          == std::optional<std::string>("module corp.example/lib\n"));
    CHECK_FALSE(
      mirror->read_file("v1.0.0", "b.go", 1 << 20).value().has_value());
    CHECK_FALSE(mirror->read_file("v1.0.0", "go.mod", 3));

    // The versions the go command would list, the repository asked through
    // the mirror.
    auto versions = gpx::gomod::versions_from_tags(
      "corp.example/lib",
      "",
      tags,
      [&](const std::string& tag) -> gpx::Result<bool> {
        auto f = mirror->read_file(tag, "go.mod", 1 << 20);
        if (!f) {
          return f.error();
        }
        return f->has_value();
      });
    REQUIRE(versions);
    CHECK(*versions == std::vector<std::string>{"v1.0.0", "v1.1.0"});

    // Upstream moves a tag, deletes one, adds one: an incremental fetch
    // follows, and the mirror survives being opened again.
    sh(src,
       "echo c >c.go && git add -A && git commit -qm three && git tag -f "
       "v1.0.0 && git tag -d junk && git tag v1.2.0");
    auto third = sh(src, "git rev-parse HEAD");
    auto again =
      GitMirror::open(tmp.path() / "mirror", "file://" + src.string());
    REQUIRE(again);
    REQUIRE(again->fetch(gpx::agent::GitAuth{}));
    CHECK(
      again->tags()
      == std::vector<std::string>{"sub/v1.0.0", "v1.0.0", "v1.1.0", "v1.2.0"});
    CHECK(again->resolve("v1.0.0").value() == third);
  }

  TEST_CASE("an unreachable remote is an error naming it")
  {
    TempDir tmp;
    auto mirror = GitMirror::open(
      tmp.path() / "mirror", "file://" + (tmp.path() / "nowhere").string());
    REQUIRE(mirror);
    auto r = mirror->fetch(gpx::agent::GitAuth{});
    REQUIRE_FALSE(r);
    CHECK(r.error().message.find("fetching file://") != std::string::npos);
  }
}
