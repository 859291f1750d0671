// Direct mode over a repository (code_repo): tags, module paths and queries
// from the input, over a small in-memory history. No crash; every answer is
// a valid version for the module path; a query that resolves to a version
// resolves to the same one when that version is asked for by name (except
// where go itself refuses a non-canonical name, e.g. a retracted base).

#include "../support/fake_code_host.hpp"
#include "fuzz_input.hpp"

#include <gomod/code_repo.hpp>
#include <gomod/module.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

extern "C" int
LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  using namespace gpx::gomod;
  auto in = gpx::fuzz::lines(gpx::fuzz::text(data, size), 0, 64);
  if (in.size() < 2) {
    return 0;
  }
  // A fixed history: a root commit with go.mod files for a few layouts, a
  // line of commits, and a side branch. Line 1 names the module path.
  gpx::test::FakeHost host;
  constexpr std::int64_t t0 = 1672628645;
  std::vector<std::string> commits;
  commits.push_back(
    host.commit("",
                t0,
                {{"go.mod", "module corp.example/lib\n"},
                 {"sub/go.mod", "module corp.example/lib/sub\n"},
                 {"v2/go.mod", "module corp.example/lib/v2\n"},
                 {"a.go", "package a\n"}}));
  commits.push_back(
    host.commit(commits[0],
                t0 + 100,
                {{"go.mod", "module corp.example/lib\n\nretract v1.1.0\n"}}));
  commits.push_back(
    host.commit(commits[1], t0 + 200, {{"go.mod", "<delete>"}}));
  commits.push_back(host.commit(
    commits[2], t0 + 300, {{"go.mod", "module corp.example/lib/v3\n"}}));
  commits.push_back(
    host.commit(commits[0], t0 + 400, {{"b.go", "package a\n"}}));
  host.branch("main", commits[3]);
  host.branch("side", commits[4]);
  host.head(commits[3]);
  // Lines after the module path: "tag N" tags commit N; anything else is a
  // query.
  std::vector<std::string> queries;
  for (std::size_t i = 1; i < in.size(); ++i) {
    const auto& l = in[i];
    auto sp = l.rfind(' ');
    if (l.starts_with("tag ") && sp != std::string::npos && sp > 4
        && sp + 1 < l.size() && l[sp + 1] >= '0' && l[sp + 1] <= '4') {
      host.tag(l.substr(4, sp - 4),
               commits[static_cast<std::size_t>(l[sp + 1] - '0')]);
    } else {
      queries.push_back(l);
    }
  }
  auto repo = CodeRepo::make(host, in[0], "corp.example/lib");
  if (!repo) {
    return 0;
  }
  auto versions = repo->versions();
  if (versions) {
    for (const auto& v : *versions) {
      if (!check(in[0], v)) {
        std::abort(); // a listed version the module path cannot have
      }
    }
  }
  queries.push_back("latest");
  for (const auto& q : queries) {
    auto info = repo->stat(q);
    if (!info) {
      continue;
    }
    if (!check(in[0], info->version)) {
      std::abort();
    }
    auto again = repo->stat(info->version);
    if (again && again->version != info->version) {
      std::abort();
    }
    (void)repo->go_mod(info->version);
  }
  return 0;
}
