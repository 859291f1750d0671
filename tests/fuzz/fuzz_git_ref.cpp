// Revisions and ref names against a real git mirror (agent/git_mirror over
// libgit2), and direct mode over it (gomod/code_repo): the queries a go
// command sends, and a module path, one a line. The repository is made once
// per process with the git command (a missing git fails the run). No crash;
// a revision resolves to a full hash that resolves to itself, never when it
// holds a NUL (libgit2 would read only its first part); every version
// direct mode answers is valid for the module path.

#include "fuzz_input.hpp"

#include <agent/git_mirror.hpp>
#include <gomod/code_repo.hpp>
#include <gomod/module.hpp>

#include <stdlib.h>

#include <cstdlib>
#include <filesystem>
#include <memory>

namespace {

namespace fs = std::filesystem;

void
sh(const fs::path& dir, const std::string& command)
{
  auto full = "cd '" + dir.string() + "' && " + command + " >/dev/null";
  if (std::system(full.c_str()) != 0) {
    std::abort();
  }
}

gpx::agent::GitMirror&
mirror()
{
  static std::unique_ptr<gpx::agent::GitMirror> m = [] {
    std::string tmpl =
      (fs::temp_directory_path() / "gpx-fuzz-git-XXXXXX").string();
    if (mkdtemp(tmpl.data()) == nullptr) {
      std::abort();
    }
    static fs::path root = tmpl;
    std::atexit([] {
      std::error_code ec;
      fs::remove_all(root, ec);
    });
    // Only this directory's settings, for git and libgit2 alike.
    setenv("HOME", root.c_str(), 1);
    setenv("XDG_CONFIG_HOME", root.c_str(), 1);
    setenv("GIT_CONFIG_NOSYSTEM", "1", 1);
    setenv("GIT_AUTHOR_NAME", "t", 1);
    setenv("GIT_AUTHOR_EMAIL", "t@t.invalid", 1);
    setenv("GIT_COMMITTER_NAME", "t", 1);
    setenv("GIT_COMMITTER_EMAIL", "t@t.invalid", 1);
    setenv("GIT_AUTHOR_DATE", "2023-01-02T03:04:05Z", 1);
    setenv("GIT_COMMITTER_DATE", "2023-01-02T03:04:05Z", 1);
    auto src = root / "src";
    fs::create_directories(src);
    sh(src,
       "git init -q -b main && printf 'module corp.example/lib\\n' >go.mod && "
       "echo 'package a' >a.go && git add -A "
       "&& git commit -qm one && git tag v1.0.0 && git tag v1.0.0+meta && git "
       "tag release/1.0");
    sh(src,
       "mkdir sub v2 && printf 'module corp.example/lib/sub\\n' >sub/go.mod && "
       "printf 'module corp.example/lib/v2\\n' "
       ">v2/go.mod && git add -A && git commit -qm two && git tag -a -m "
       "release v1.1.0 && git tag sub/v0.1.0 "
       "&& git tag v2.0.0-rc.1 && git branch side");
    sh(src,
       "echo 'package b' >b.go && git add -A && git commit -qm 'three: fix' && "
       "git tag v2.0.0");
    auto opened =
      gpx::agent::GitMirror::open(root / "mirror", "file://" + src.string());
    if (!opened || !opened->fetch(gpx::agent::GitAuth{})) {
      std::abort();
    }
    return std::make_unique<gpx::agent::GitMirror>(std::move(*opened));
  }();
  return *m;
}

bool
is_full_hash(const std::string& h)
{
  return h.size() == 40
         && h.find_first_not_of("0123456789abcdef") == std::string::npos;
}

} // namespace

extern "C" int
LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  auto& m = mirror();
  auto in = gpx::fuzz::lines(gpx::fuzz::text(data, size), 1, 8);
  for (const auto& rev : in) {
    auto r = m.stat(rev);
    if (r) {
      auto again = m.resolve(r->hash);
      if (!is_full_hash(r->hash) || !again || *again != r->hash
          || rev.find('\0') != std::string::npos) {
        std::abort();
      }
      (void)m.read_file(rev, "go.mod", 1 << 16);
      (void)m.list_files(rev, "sub");
      (void)m.is_ancestor(rev, "main");
    }
  }
  auto repo = gpx::gomod::CodeRepo::make(m, in[0], "corp.example/lib");
  if (!repo) {
    return 0;
  }
  for (const auto& q : in) {
    if (auto info = repo->stat(q);
        info && !gpx::gomod::check(in[0], info->version)) {
      std::abort();
    }
  }
  return 0;
}
