#include "../support/fake_code_host.hpp"
#include "../support/temp_dir.hpp"

#include <gomod/code_repo.hpp>

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdio>
#include <map>

using namespace gpx;
using namespace gpx::gomod;
using gpx::test::FakeHost;

namespace {

constexpr std::int64_t k_day = 86400;
constexpr std::int64_t k_t0 = 1672628645; // 2023-01-02T03:04:05Z

CodeRepo
repo_of(const FakeHost& host,
        const std::string& path,
        const std::string& root = "corp.example/lib")
{
  auto r = CodeRepo::make(host, path, root);
  REQUIRE_MESSAGE(r, r.error().message);
  return *r;
}

std::string
version_of(const CodeRepo& r, const std::string& rev)
{
  auto info = r.stat(rev);
  REQUIRE_MESSAGE(info, info.error().message);
  return info->version;
}

// Zip entry names without their "module@version/" prefix, sorted.
std::vector<std::string>
names(std::vector<std::string> entries)
{
  for (auto& e : entries) {
    e = e.substr(e.find('/', e.find('@')) + 1);
  }
  std::sort(entries.begin(), entries.end());
  return entries;
}

std::string
error_of(const CodeRepo& r, const std::string& rev)
{
  auto info = r.stat(rev);
  REQUIRE_FALSE_MESSAGE(info, "resolved to " << info->version);
  CHECK(info.error().code == Error::Code::not_found);
  return info.error().message;
}

} // namespace

TEST_SUITE("gomod")
{
  TEST_CASE("tags, branches and hashes resolve as the go command resolves them")
  {
    FakeHost h;
    auto c1 = h.commit(
      "",
      k_t0,
      {{"go.mod", "module corp.example/lib\n"}, {"lib.go", "package lib\n"}});
    h.tag("v1.0.0", c1);
    auto c2 = h.commit(c1, k_t0 + k_day, {{"lib.go", "package lib // 2\n"}});
    h.tag("v1.1.0", c2);
    h.tag("v1.1", c2); // not canonical: never a version
    auto c3 =
      h.commit(c2, k_t0 + 2 * k_day, {{"lib.go", "package lib // 3\n"}});
    h.branch("main", c3);
    h.head(c3);
    auto side =
      h.commit(c1, k_t0 + 3 * k_day, {{"lib.go", "package lib // side\n"}});
    h.branch("side", side);
    auto r = repo_of(h, "corp.example/lib");

    CHECK(*r.versions() == std::vector<std::string>{"v1.0.0", "v1.1.0"});
    CHECK(version_of(r, "v1.0.0") == "v1.0.0");
    CHECK(version_of(r, "v1.1")
          == "v1.1.0"); // the tag v1.1 is on the commit tagged v1.1.0
    CHECK(version_of(r, "main")
          == "v1.1.1-0.20230104030405-" + c3.substr(0, 12));
    CHECK(version_of(r, "HEAD")
          == "v1.1.1-0.20230104030405-" + c3.substr(0, 12));
    CHECK(version_of(r, c3.substr(0, 8))
          == "v1.1.1-0.20230104030405-" + c3.substr(0, 12));
    CHECK(version_of(r, c2) == "v1.1.0"); // a tagged commit is its tag
    // v1.1.0 is not an ancestor of side: the base is v1.0.0.
    CHECK(version_of(r, "side")
          == "v1.0.1-0.20230105030405-" + side.substr(0, 12));
    CHECK(r.latest()->version == "v1.1.1-0.20230104030405-" + c3.substr(0, 12));
    CHECK(r.latest()->origin.ref == "HEAD");
    CHECK(r.stat("main")->origin.ref == "refs/heads/main");
    CHECK(r.stat("v1.0.0")->origin.hash == c1);

    // A pseudo-version resolves to itself when it is right, and is refused
    // when its time, hash length or base are wrong.
    std::string pv = "v1.1.1-0.20230104030405-" + c3.substr(0, 12);
    CHECK(version_of(r, pv) == pv);
    CHECK(error_of(r, "v1.1.1-0.20230104030406-" + c3.substr(0, 12))
            .find("does not match version-control timestamp")
          != std::string::npos);
    CHECK(error_of(r, "v1.1.1-0.20230104030405-" + c3.substr(0, 11))
            .find("shorter than canonical")
          != std::string::npos);
    CHECK(error_of(r, "v1.2.1-0.20230104030405-" + c3.substr(0, 12))
            .find("preceding tag (v1.2.0) not found")
          != std::string::npos);
    CHECK(error_of(r, "v1.1.1-0.20230105030405-" + side.substr(0, 12))
            .find("not a descendent of preceding tag (v1.1.0)")
          != std::string::npos);
    // Unknown names and versions that are not tags.
    CHECK(error_of(r, "nosuch").find("unknown revision nosuch")
          != std::string::npos);
    CHECK(error_of(r, "v1.2.0").find("unknown revision v1.2.0")
          != std::string::npos);
    CHECK(error_of(r, "v2.0.0").find("invalid version") != std::string::npos);
  }

  TEST_CASE(
    "a commit without tags before it gets a v0.0.0 pseudo-version; /v2 gets "
    "v2.0.0")
  {
    FakeHost h;
    auto c1 = h.commit("", k_t0, {{"go.mod", "module corp.example/lib\n"}});
    h.head(c1);
    CHECK(version_of(repo_of(h, "corp.example/lib"), "HEAD")
          == "v0.0.0-20230102030405-" + c1.substr(0, 12));
    CHECK(repo_of(h, "corp.example/lib").versions()->empty());

    FakeHost v2;
    auto d1 = v2.commit("", k_t0, {{"go.mod", "module corp.example/lib/v2\n"}});
    v2.head(d1);
    CHECK(version_of(repo_of(v2, "corp.example/lib/v2"), "HEAD")
          == "v2.0.0-20230102030405-" + d1.substr(0, 12));
  }

  TEST_CASE(
    "retracted versions are no pseudo-version base and no version for a commit")
  {
    FakeHost h;
    auto c1 = h.commit("", k_t0, {{"go.mod", "module corp.example/lib\n"}});
    h.tag("v1.0.0", c1);
    auto c2 = h.commit(c1, k_t0 + k_day, {{"x.go", "package x\n"}});
    h.tag("v1.1.0", c2);
    auto c3 =
      h.commit(c2,
               k_t0 + 2 * k_day,
               {{"go.mod", "module corp.example/lib\n\nretract v1.1.0\n"}});
    h.tag("v1.2.0", c3);
    auto c4 = h.commit(c2, k_t0 + 3 * k_day, {{"y.go", "package x\n"}});
    h.branch("fix", c4);
    auto r = repo_of(h, "corp.example/lib");
    CHECK(version_of(r, "fix")
          == "v1.0.1-0.20230105030405-" + c4.substr(0, 12));
    CHECK(version_of(r, "v1.1.0")
          == "v1.1.0"); // asked by name, it is still that version
  }

  TEST_CASE(
    "a repository without go.mod: v2+ tags are +incompatible, its go.mod is "
    "synthesized")
  {
    FakeHost h;
    auto c1 = h.commit("", k_t0, {{"a.go", "package a\n"}});
    h.tag("v1.0.0", c1);
    auto c2 = h.commit(c1, k_t0 + k_day, {{"a.go", "package a // 2\n"}});
    h.tag("v2.0.0", c2);
    auto c3 = h.commit(c2, k_t0 + 2 * k_day, {{"a.go", "package a // 3\n"}});
    h.branch("main", c3);
    auto r = repo_of(h, "corp.example/lib");
    CHECK(*r.versions()
          == std::vector<std::string>{"v1.0.0", "v2.0.0+incompatible"});
    CHECK(version_of(r, "v2.0.0") == "v2.0.0+incompatible");
    CHECK(version_of(r, "v2.0.0+incompatible") == "v2.0.0+incompatible");
    CHECK(version_of(r, "main")
          == "v2.0.1-0.20230104030405-" + c3.substr(0, 12) + "+incompatible");
    CHECK(*r.go_mod("v1.0.0") == "module corp.example/lib\n");
    CHECK(*r.go_mod("v2.0.0+incompatible") == "module corp.example/lib\n");
    CHECK_FALSE(r.go_mod("v1.0.1"));
    CHECK_FALSE(r.go_mod("v1.0")); // not canonical
  }

  TEST_CASE(
    "modules in subdirectories: tag prefixes, the v2/ directory, the root "
    "LICENSE")
  {
    FakeHost h;
    auto c1 = h.commit("",
                       k_t0,
                       {{"go.mod", "module corp.example/lib\n"},
                        {"LICENSE", "root license\n"},
                        {"sub/go.mod", "module corp.example/lib/sub\n"},
                        {"sub/s.go", "package sub\n"},
                        {"v2/go.mod", "module corp.example/lib/v2\n"},
                        {"v2/l.go", "package lib\n"}},
                       {{"sub/link.go", "s.go"}});
    h.tag("sub/v0.1.0", c1);
    h.tag("v2.0.0", c1);
    h.tag("v1.0.0", c1);
    auto root = repo_of(h, "corp.example/lib");
    auto sub = repo_of(h, "corp.example/lib/sub");
    auto v2 = repo_of(h, "corp.example/lib/v2");
    CHECK(sub.code_dir() == "sub");
    CHECK(*sub.versions() == std::vector<std::string>{"v0.1.0"});
    CHECK(*root.versions()
          == std::vector<std::string>{
            "v1.0.0"}); // v2.0.0 has a go.mod: not +incompatible
    CHECK(*v2.versions() == std::vector<std::string>{"v2.0.0"});
    CHECK(*v2.go_mod("v2.0.0") == "module corp.example/lib/v2\n");
    CHECK(sub.stat("v0.1.0")->origin.subdir == "sub");

    test::TempDir tmp;
    REQUIRE(sub.zip("v0.1.0", tmp.path() / "sub.zip"));
    auto checked = zip::check_zip(Version{"corp.example/lib/sub", "v0.1.0"},
                                  tmp.path() / "sub.zip");
    REQUIRE(checked);
    auto valid = names(checked->valid);
    CHECK(valid
          == std::vector<std::string>{
            "LICENSE", "go.mod", "s.go"}); // the symlink is left out

    REQUIRE(root.zip("v1.0.0", tmp.path() / "root.zip"));
    auto root_checked = zip::check_zip(Version{"corp.example/lib", "v1.0.0"},
                                       tmp.path() / "root.zip");
    REQUIRE(root_checked);
    valid = names(root_checked->valid);
    CHECK(valid
          == std::vector<std::string>{
            "LICENSE", "go.mod"}); // sub/ and v2/ are other modules
  }

  TEST_CASE("a go.mod that names another module path is refused")
  {
    FakeHost h;
    auto c1 =
      h.commit("", k_t0, {{"go.mod", "module corp.example/other/v3\n"}});
    h.tag("v1.0.0", c1);
    auto r = repo_of(h, "corp.example/lib");
    CHECK(error_of(r, "v1.0.0").find("has post-v1 module path")
          != std::string::npos);
    CHECK_FALSE(CodeRepo::make(h, "other.example/lib", "corp.example/lib"));
  }

  TEST_CASE("info_json is the go command's .info")
  {
    CodeInfo info;
    info.version = "v1.2.3";
    info.time = k_t0;
    CHECK(info_json(info)
          == R"({"Version":"v1.2.3","Time":"2023-01-02T03:04:05Z"})");
    info.origin = CodeOrigin{"git",
                             "https://corp.example/lib",
                             "sub",
                             "abc",
                             "",
                             "",
                             "refs/tags/sub/v1.2.3",
                             ""};
    CHECK(
      info_json(info)
      == R"({"Version":"v1.2.3","Time":"2023-01-02T03:04:05Z","Origin":{"VCS":"git","URL":"https://corp.example/lib","Subdir":"sub","Hash":"abc","Ref":"refs/tags/sub/v1.2.3"}})");
  }
}
