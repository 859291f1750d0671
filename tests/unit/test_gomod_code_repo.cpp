#include <gomod/code_repo.hpp>

#include "../support/temp_dir.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdio>
#include <map>

using namespace gpx;
using namespace gpx::gomod;

namespace {

// A repository in memory: commits with parents, a tree of files each, refs.
class FakeHost : public CodeHost
{
public:
  struct Commit
  {
    std::int64_t time = 0;
    std::vector<std::string> parents;
    std::map<std::string, std::pair<zip::FileType, std::string>> files;
  };

  // A commit on top of parent (or a root commit) with files changed.
  std::string
  commit(const std::string& parent, std::int64_t time, std::map<std::string, std::string> changes, std::map<std::string, std::string> links = {})
  {
    Commit c;
    if (!parent.empty()) {
      c.files = m_commits.at(parent).files;
      c.parents = {parent};
    }
    for (auto& [path, data] : changes) {
      if (data == "<delete>") {
        c.files.erase(path);
      } else {
        c.files[path] = {zip::FileType::regular, data};
      }
    }
    for (auto& [path, target] : links) {
      c.files[path] = {zip::FileType::symlink, target};
    }
    // 40 hex digits, distinct per commit from the first digit on.
    std::uint64_t n = (m_commits.size() + 1) * 0x9e3779b97f4a7c15ULL;
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(n));
    std::string hash = (std::string(buf) + buf + buf).substr(0, 40);
    m_commits[hash] = std::move(c);
    m_commits[hash].time = time;
    return hash;
  }
  void tag(const std::string& name, const std::string& hash) { m_refs["refs/tags/" + name] = hash; }
  void branch(const std::string& name, const std::string& hash) { m_refs["refs/heads/" + name] = hash; }
  void head(const std::string& hash) { m_refs["HEAD"] = hash; }

  const std::string& url() const override { return m_url; }
  std::map<std::string, std::string> refs() const override { return m_refs; }

  Result<CodeRev>
  stat(const std::string& rev) const override
  {
    std::string hash;
    if (auto it = m_refs.find("refs/tags/" + rev); it != m_refs.end()) {
      hash = it->second;
    } else if (auto b = m_refs.find("refs/heads/" + rev); b != m_refs.end()) {
      hash = b->second;
    } else if (rev == "HEAD" && m_refs.count("HEAD") != 0) {
      hash = m_refs.at("HEAD");
    } else if (rev.size() >= 7) {
      for (const auto& [h, c] : m_commits) {
        if (h.starts_with(rev)) {
          hash = h;
        }
      }
    }
    if (hash.empty()) {
      return make_error(Error::Code::not_found, "unknown revision " + rev);
    }
    CodeRev out{hash, m_commits.at(hash).time, {}};
    for (const auto& [ref, h] : m_refs) {
      if (h == hash && ref.starts_with("refs/tags/")) {
        out.tags.push_back(ref.substr(10));
      }
    }
    return out;
  }

  Result<std::optional<std::string>>
  read_file(const std::string& hash, const std::string& path, std::size_t) const override
  {
    const auto& files = m_commits.at(hash).files;
    auto it = files.find(path);
    if (it == files.end()) {
      return std::optional<std::string>();
    }
    return std::optional(it->second.second);
  }

  Result<bool>
  is_ancestor(const std::string& ancestor, const std::string& hash) const override
  {
    if (ancestor == hash) {
      return true;
    }
    for (const auto& p : m_commits.at(hash).parents) {
      if (*is_ancestor(ancestor, p)) {
        return true;
      }
    }
    return false;
  }

  Result<std::optional<std::vector<CodeFile>>>
  list_files(const std::string& hash, const std::string& dir) const override
  {
    std::string prefix = dir.empty() ? "" : dir + "/";
    std::vector<CodeFile> out;
    for (const auto& [path, f] : m_commits.at(hash).files) {
      if (path.starts_with(prefix)) {
        out.push_back(CodeFile{path.substr(prefix.size()), f.first, f.second.size(), path});
      }
    }
    if (out.empty()) {
      return std::optional<std::vector<CodeFile>>();
    }
    return std::optional(std::move(out));
  }

  Result<std::unique_ptr<zip::Reader>>
  open_archive_blob(const std::string& hash, const std::string&, const std::string& id) const override
  {
    struct Reader : zip::Reader
    {
      std::string data;
      std::size_t pos = 0;
      Result<std::size_t>
      read(std::span<char> buf) override
      {
        std::size_t n = std::min(buf.size(), data.size() - pos);
        std::copy_n(data.data() + pos, n, buf.data());
        pos += n;
        return n;
      }
    };
    auto r = std::make_unique<Reader>();
    r->data = m_commits.at(hash).files.at(id).second;
    return std::unique_ptr<zip::Reader>(std::move(r));
  }

private:
  std::string m_url = "https://corp.example/lib";
  std::map<std::string, Commit> m_commits;
  std::map<std::string, std::string> m_refs;
};

constexpr std::int64_t k_day = 86400;
constexpr std::int64_t k_t0 = 1672628645; // 2023-01-02T03:04:05Z

CodeRepo
repo_of(const FakeHost& host, const std::string& path, const std::string& root = "corp.example/lib")
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
    auto c1 = h.commit("", k_t0, {{"go.mod", "module corp.example/lib\n"}, {"lib.go", "package lib\n"}});
    h.tag("v1.0.0", c1);
    auto c2 = h.commit(c1, k_t0 + k_day, {{"lib.go", "package lib // 2\n"}});
    h.tag("v1.1.0", c2);
    h.tag("v1.1", c2); // not canonical: never a version
    auto c3 = h.commit(c2, k_t0 + 2 * k_day, {{"lib.go", "package lib // 3\n"}});
    h.branch("main", c3);
    h.head(c3);
    auto side = h.commit(c1, k_t0 + 3 * k_day, {{"lib.go", "package lib // side\n"}});
    h.branch("side", side);
    auto r = repo_of(h, "corp.example/lib");

    CHECK(*r.versions() == std::vector<std::string>{"v1.0.0", "v1.1.0"});
    CHECK(version_of(r, "v1.0.0") == "v1.0.0");
    CHECK(version_of(r, "v1.1") == "v1.1.0"); // the tag v1.1 is on the commit tagged v1.1.0
    CHECK(version_of(r, "main") == "v1.1.1-0.20230104030405-" + c3.substr(0, 12));
    CHECK(version_of(r, "HEAD") == "v1.1.1-0.20230104030405-" + c3.substr(0, 12));
    CHECK(version_of(r, c3.substr(0, 8)) == "v1.1.1-0.20230104030405-" + c3.substr(0, 12));
    CHECK(version_of(r, c2) == "v1.1.0"); // a tagged commit is its tag
    // v1.1.0 is not an ancestor of side: the base is v1.0.0.
    CHECK(version_of(r, "side") == "v1.0.1-0.20230105030405-" + side.substr(0, 12));
    CHECK(r.latest()->version == "v1.1.1-0.20230104030405-" + c3.substr(0, 12));
    CHECK(r.latest()->origin.ref == "HEAD");
    CHECK(r.stat("main")->origin.ref == "refs/heads/main");
    CHECK(r.stat("v1.0.0")->origin.hash == c1);

    // A pseudo-version resolves to itself when it is right, and is refused
    // when its time, hash length or base are wrong.
    std::string pv = "v1.1.1-0.20230104030405-" + c3.substr(0, 12);
    CHECK(version_of(r, pv) == pv);
    CHECK(error_of(r, "v1.1.1-0.20230104030406-" + c3.substr(0, 12)).find("does not match version-control timestamp") != std::string::npos);
    CHECK(error_of(r, "v1.1.1-0.20230104030405-" + c3.substr(0, 11)).find("shorter than canonical") != std::string::npos);
    CHECK(error_of(r, "v1.2.1-0.20230104030405-" + c3.substr(0, 12)).find("preceding tag (v1.2.0) not found") != std::string::npos);
    CHECK(error_of(r, "v1.1.1-0.20230105030405-" + side.substr(0, 12)).find("not a descendent of preceding tag (v1.1.0)") != std::string::npos);
    // Unknown names and versions that are not tags.
    CHECK(error_of(r, "nosuch").find("unknown revision nosuch") != std::string::npos);
    CHECK(error_of(r, "v1.2.0").find("unknown revision v1.2.0") != std::string::npos);
    CHECK(error_of(r, "v2.0.0").find("invalid version") != std::string::npos);
  }

  TEST_CASE("a commit without tags before it gets a v0.0.0 pseudo-version; /v2 gets v2.0.0")
  {
    FakeHost h;
    auto c1 = h.commit("", k_t0, {{"go.mod", "module corp.example/lib\n"}});
    h.head(c1);
    CHECK(version_of(repo_of(h, "corp.example/lib"), "HEAD") == "v0.0.0-20230102030405-" + c1.substr(0, 12));
    CHECK(repo_of(h, "corp.example/lib").versions()->empty());

    FakeHost v2;
    auto d1 = v2.commit("", k_t0, {{"go.mod", "module corp.example/lib/v2\n"}});
    v2.head(d1);
    CHECK(version_of(repo_of(v2, "corp.example/lib/v2"), "HEAD") == "v2.0.0-20230102030405-" + d1.substr(0, 12));
  }

  TEST_CASE("retracted versions are no pseudo-version base and no version for a commit")
  {
    FakeHost h;
    auto c1 = h.commit("", k_t0, {{"go.mod", "module corp.example/lib\n"}});
    h.tag("v1.0.0", c1);
    auto c2 = h.commit(c1, k_t0 + k_day, {{"x.go", "package x\n"}});
    h.tag("v1.1.0", c2);
    auto c3 = h.commit(c2, k_t0 + 2 * k_day, {{"go.mod", "module corp.example/lib\n\nretract v1.1.0\n"}});
    h.tag("v1.2.0", c3);
    auto c4 = h.commit(c2, k_t0 + 3 * k_day, {{"y.go", "package x\n"}});
    h.branch("fix", c4);
    auto r = repo_of(h, "corp.example/lib");
    CHECK(version_of(r, "fix") == "v1.0.1-0.20230105030405-" + c4.substr(0, 12));
    CHECK(version_of(r, "v1.1.0") == "v1.1.0"); // asked by name, it is still that version
  }

  TEST_CASE("a repository without go.mod: v2+ tags are +incompatible, its go.mod is synthesized")
  {
    FakeHost h;
    auto c1 = h.commit("", k_t0, {{"a.go", "package a\n"}});
    h.tag("v1.0.0", c1);
    auto c2 = h.commit(c1, k_t0 + k_day, {{"a.go", "package a // 2\n"}});
    h.tag("v2.0.0", c2);
    auto c3 = h.commit(c2, k_t0 + 2 * k_day, {{"a.go", "package a // 3\n"}});
    h.branch("main", c3);
    auto r = repo_of(h, "corp.example/lib");
    CHECK(*r.versions() == std::vector<std::string>{"v1.0.0", "v2.0.0+incompatible"});
    CHECK(version_of(r, "v2.0.0") == "v2.0.0+incompatible");
    CHECK(version_of(r, "v2.0.0+incompatible") == "v2.0.0+incompatible");
    CHECK(version_of(r, "main") == "v2.0.1-0.20230104030405-" + c3.substr(0, 12) + "+incompatible");
    CHECK(*r.go_mod("v1.0.0") == "module corp.example/lib\n");
    CHECK(*r.go_mod("v2.0.0+incompatible") == "module corp.example/lib\n");
    CHECK_FALSE(r.go_mod("v1.0.1"));
    CHECK_FALSE(r.go_mod("v1.0")); // not canonical
  }

  TEST_CASE("modules in subdirectories: tag prefixes, the v2/ directory, the root LICENSE")
  {
    FakeHost h;
    auto c1 = h.commit("", k_t0,
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
    CHECK(*root.versions() == std::vector<std::string>{"v1.0.0"}); // v2.0.0 has a go.mod: not +incompatible
    CHECK(*v2.versions() == std::vector<std::string>{"v2.0.0"});
    CHECK(*v2.go_mod("v2.0.0") == "module corp.example/lib/v2\n");
    CHECK(sub.stat("v0.1.0")->origin.subdir == "sub");

    test::TempDir tmp;
    REQUIRE(sub.zip("v0.1.0", tmp.path() / "sub.zip"));
    auto checked = zip::check_zip(Version{"corp.example/lib/sub", "v0.1.0"}, tmp.path() / "sub.zip");
    REQUIRE(checked);
    auto valid = names(checked->valid);
    CHECK(valid == std::vector<std::string>{"LICENSE", "go.mod", "s.go"}); // the symlink is left out

    REQUIRE(root.zip("v1.0.0", tmp.path() / "root.zip"));
    auto root_checked = zip::check_zip(Version{"corp.example/lib", "v1.0.0"}, tmp.path() / "root.zip");
    REQUIRE(root_checked);
    valid = names(root_checked->valid);
    CHECK(valid == std::vector<std::string>{"LICENSE", "go.mod"}); // sub/ and v2/ are other modules
  }

  TEST_CASE("a go.mod that names another module path is refused")
  {
    FakeHost h;
    auto c1 = h.commit("", k_t0, {{"go.mod", "module corp.example/other/v3\n"}});
    h.tag("v1.0.0", c1);
    auto r = repo_of(h, "corp.example/lib");
    CHECK(error_of(r, "v1.0.0").find("has post-v1 module path") != std::string::npos);
    CHECK_FALSE(CodeRepo::make(h, "other.example/lib", "corp.example/lib"));
  }

  TEST_CASE("info_json is the go command's .info")
  {
    CodeInfo info;
    info.version = "v1.2.3";
    info.time = k_t0;
    CHECK(info_json(info) == R"({"Version":"v1.2.3","Time":"2023-01-02T03:04:05Z"})");
    info.origin = CodeOrigin{"git", "https://corp.example/lib", "sub", "abc", "", "", "refs/tags/sub/v1.2.3", ""};
    CHECK(info_json(info) == R"({"Version":"v1.2.3","Time":"2023-01-02T03:04:05Z","Origin":{"VCS":"git","URL":"https://corp.example/lib","Subdir":"sub","Hash":"abc","Ref":"refs/tags/sub/v1.2.3"}})");
  }
}
