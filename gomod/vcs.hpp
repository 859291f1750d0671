#pragma once

// Where a module's repository is, as cmd/go/internal/vcs finds it for
// direct mode: the hosting-site rules and VCS-qualified paths
// (RepoRootForImportPathStatic), and the go-get <meta name="go-import">
// tags a server answers to ?go-get=1 (parseMetaGoImports, matchGoImport).
// Fetching is not here; these are the rules.

#include <gomod/result.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gpx::gomod::vcs {

struct RepoRoot
{
  std::string
    root; // the import path prefix that is the repository ("github.com/u/r")
  std::string
    repo; // "https://github.com/u/r"; for a VCS-qualified path, without scheme
          // and suffix ("host/team/lib" for root "host/team/lib.git")
  bool schemeless =
    false;         // repo needs a scheme tried in turn (https, then ssh)
  std::string vcs; // "git", "hg", "svn", "bzr", "fossil"
};

// The repository of path from its shape alone, or nullopt when only go-get
// discovery can tell. Errors for a path a hosting site's rule rejects
// ("invalid github.com import path") or a ".git" in a hosting-site path.
Result<std::optional<RepoRoot>> static_repo_root(std::string_view path);

struct MetaImport
{
  std::string prefix;
  std::string vcs; // "git", …, or "mod"
  std::string repo_root;
  std::string subdir; // optional fourth field

  bool operator==(const MetaImport&) const = default;
};

// The go-import meta tags of an HTML page, up to </head> or <body>. With
// prefer_mod (module mode), "mod" entries come first and a non-mod entry
// with the prefix of a mod entry is dropped; without, mod entries are.
std::vector<MetaImport> parse_meta_go_imports(std::string_view html,
                                              bool prefer_mod);

// The one tag whose prefix is a path prefix of path; an error when none or
// more than one matches (a mod entry wins over the others).
Result<MetaImport> match_go_import(const std::vector<MetaImport>& imports,
                                   std::string_view path);

// The go command's check of a repository root that go-get discovery named
// (validateRepoRoot, and the schemes git may use over the network): an
// absolute URL whose scheme is https, ssh or git+ssh and whose host is a
// host name. file:// (a local repository the agent could read) and the
// insecure http:// and git:// are refused.
Status check_discovered_repo_root(std::string_view root);

} // namespace gpx::gomod::vcs
