#include <gomod/vcs.hpp>

#include <doctest/doctest.h>

#include <chrono>
#include <cstdlib>
#include <future>
#include <string>

using namespace gpx::gomod;

TEST_SUITE("gomod")
{
  // After cmd/go/internal/vcs's TestRepoRootForImportPath (the cases that
  // need no network) and the VCS-qualified form.
  TEST_CASE("repository roots from the path alone")
  {
    struct Case
    {
      const char* path;
      const char* repo; // "" = an error; "?" = needs go-get discovery
      const char* root;
    };
    const Case cases[] = {
      {"github.com/golang/groupcache",
       "https://github.com/golang/groupcache",
       "github.com/golang/groupcache"},
      {"github.com/golang/groupcache/lru/v2",
       "https://github.com/golang/groupcache",
       "github.com/golang/groupcache"},
      {"github.com/user/unicode/испытание", "", ""},
      {"github.com/user/repo.git", "", ""},
      {"hub.jazz.net/git/user1/pkgname",
       "https://hub.jazz.net/git/user1/pkgname",
       "hub.jazz.net/git/user1/pkgname"},
      {"hub.jazz.net/git/user1/pkgname/submodule/submodule/submodule",
       "https://hub.jazz.net/git/user1/pkgname",
       ""},
      // (These two fail in Go after go-get discovery finds nothing.)
      {"hub.jazz.net", "?", ""},
      {"hub.jazz.net/someotherprefix", "?", ""},
      {"hub.jazz.net/git/User 1/pkgname", "", ""},
      {"hub.jazz.net/git/user1/pkg name", "", ""},
      {"hub.jazz.net/git/user.1/pkgname", "", ""},
      {"hub.jazz.net/git/user/pkg.name",
       "https://hub.jazz.net/git/user/pkg.name",
       ""},
      {"hub.jazz.net/git/USER/pkgname", "", ""},
      {"git.openstack.org/openstack/swift",
       "https://git.openstack.org/openstack/swift",
       ""},
      {"git.openstack.org/openstack/swift.git",
       "https://git.openstack.org/openstack/swift.git",
       ""},
      {"git.openstack.org/openstack/swift/go/hummingbird",
       "https://git.openstack.org/openstack/swift",
       ""},
      {"git.openstack.org", "", ""},
      {"git.openstack.org/openstack", "", ""},
      {"git.apache.org/package name/path/to/lib", "", ""},
      {"git.apache.org/package-name/path/to/lib", "", ""},
      {"git.apache.org/package-name.git",
       "https://git.apache.org/package-name.git",
       ""},
      {"git.apache.org/package-name_2.x.git/path/to/lib",
       "https://git.apache.org/package-name_2.x.git",
       ""},
      {"bitbucket.org/workspace/pkgname",
       "https://bitbucket.org/workspace/pkgname",
       ""},
      {"bitbucket.org/workspace", "", ""},
      // VCS-qualified paths: the repository, without a scheme, and the rest
      // a subdirectory.
      {"git.corp.example/team/lib.git",
       "git.corp.example/team/lib",
       "git.corp.example/team/lib.git"},
      {"git.corp.example/team/lib.git/sub/v2",
       "git.corp.example/team/lib",
       "git.corp.example/team/lib.git"},
      {"git.corp.example:8443/~me/x.git/y", "git.corp.example:8443/~me/x", ""},
      // Everything else: go-get discovery.
      {"gitlab.com/group/project", "?", ""},
      {"golang.org/x/mod", "?", ""},
      {"corp.example/lib", "?", ""},
    };
    for (const auto& c : cases) {
      CAPTURE(std::string(c.path));
      auto r = vcs::static_repo_root(c.path);
      if (std::string(c.repo).empty()) {
        CHECK_FALSE(r);
        continue;
      }
      REQUIRE(r);
      if (std::string(c.repo) == "?") {
        CHECK_FALSE(r->has_value());
        continue;
      }
      REQUIRE(r->has_value());
      CHECK((*r)->repo == c.repo);
      if (*c.root != '\0') {
        CHECK((*r)->root == c.root);
      }
      CHECK((*r)->schemeless
            == (std::string(c.repo).find("://") == std::string::npos));
    }
    auto https = vcs::static_repo_root("https://github.com/a/b");
    REQUIRE_FALSE(https);
    CHECK(https.error().message == "\"https://\" not allowed in import path");
  }

  // cmd/go/internal/vcs's parseMetaGoImportsTests.
  TEST_CASE(
    "the general pattern runs in linear time (the go command's patterns are "
    "RE2's)")
  {
    // With a backtracking matcher, 22 ".a" took 4.4 s and each further one
    // 1.8 times that: one request could pin a thread for minutes.
    std::string path;
    while (path.size() < 200) {
      path += "a.";
    }
    path += "a/b";
    auto run = std::async(std::launch::async,
                          [&] { return vcs::static_repo_root(path); });
    if (run.wait_for(std::chrono::seconds(10)) != std::future_status::ready) {
      FAIL_CHECK(
        "static_repo_root of a 200-character path took more than 10 s");
      std::_Exit(1); // the matcher would run on for minutes
    }
    auto r = run.get();
    REQUIRE(r);
    CHECK_FALSE(r->has_value());
    // The same shape with a VCS suffix still resolves.
    auto git =
      vcs::static_repo_root(path.substr(0, path.size() - 2) + "/repo.git/sub");
    REQUIRE(git);
    REQUIRE(git->has_value());
    CHECK((*git)->vcs == "git");
  }

  TEST_CASE(
    "a discovered repository root must be a network URL git may use securely")
  {
    for (const char* ok : {"https://git.corp.example/team/lib",
                           "ssh://git@git.corp.example/team/lib.git",
                           "git+ssh://git.corp.example:2222/lib"}) {
      CAPTURE(ok);
      CHECK(vcs::check_discovered_repo_root(ok));
    }
    // file:// made the agent clone a local repository it can read, and
    // serve its files as a module.
    for (const char* bad : {"file:///home/dev/secret-repo",
                            "FILE:///etc",
                            "http://git.corp.example/lib",
                            "git://host/lib",
                            "/home/dev/repo",
                            "https:///path",
                            "https://-bad/x",
                            "ext::sh -c touch% /tmp/pwned"}) {
      CAPTURE(bad);
      CHECK_FALSE(vcs::check_discovered_repo_root(bad));
    }
  }

  TEST_CASE("go-import meta tags")
  {
    using MI = vcs::MetaImport;
    struct Case
    {
      const char* html;
      bool prefer_mod;
      std::vector<MI> want;
    };
    const Case cases[] = {
      {R"(<meta name="go-import" content="foo/bar git https://github.com/rsc/foo/bar">)",
       false,
       {{"foo/bar", "git", "https://github.com/rsc/foo/bar", ""}}},
      {"<meta name=\"go-import\" content=\"foo/bar git "
       "https://github.com/rsc/foo/bar\">\n"
       "<meta name=\"go-import\" content=\"baz/quux git "
       "http://github.com/rsc/baz/quux\">",
       false,
       {{"foo/bar", "git", "https://github.com/rsc/foo/bar", ""},
        {"baz/quux", "git", "http://github.com/rsc/baz/quux", ""}}},
      {"<meta name=\"go-import\" content=\"foo/bar git "
       "https://github.com/rsc/foo/bar\">\n"
       "<meta name=\"go-import\" content=\"foo/bar mod "
       "http://github.com/rsc/baz/quux\">",
       false,
       {{"foo/bar", "git", "https://github.com/rsc/foo/bar", ""}}},
      {"<meta name=\"go-import\" content=\"foo/bar mod "
       "http://github.com/rsc/baz/quux\">\n"
       "<meta name=\"go-import\" content=\"foo/bar git "
       "https://github.com/rsc/foo/bar\">",
       true,
       {{"foo/bar", "mod", "http://github.com/rsc/baz/quux", ""}}},
      {"<head>\n<meta name=\"go-import\" content=\"foo/bar git "
       "https://github.com/rsc/foo/bar\">\n</head>",
       false,
       {{"foo/bar", "git", "https://github.com/rsc/foo/bar", ""}}},
      {"<meta name=\"go-import\" content=\"foo/bar git "
       "https://github.com/rsc/foo/bar\">\n<body>",
       false,
       {{"foo/bar", "git", "https://github.com/rsc/foo/bar", ""}}},
      {R"(<!doctype html><title>Page Not Found</title><meta name=go-import content="chitin.io/chitin git https://github.com/chitin-io/chitin"><div style=position:relative>DRAFT</div>)",
       false,
       {{"chitin.io/chitin",
         "git",
         "https://github.com/chitin-io/chitin",
         ""}}},
      {"<meta name=\"go-import\" content=\"myitcv.io git "
       "https://github.com/myitcv/x\">\n"
       "<meta name=\"go-import\" content=\"myitcv.io/blah2 mod "
       "https://raw.githubusercontent.com/myitcv/pubx/master\">",
       true,
       {{"myitcv.io/blah2",
         "mod",
         "https://raw.githubusercontent.com/myitcv/pubx/master",
         ""},
        {"myitcv.io", "git", "https://github.com/myitcv/x", ""}}},
      {R"(<meta name="go-import" content="foo/bar git https://github.com/rsc/foo/bar subdir/path">)",
       false,
       {{"foo/bar", "git", "https://github.com/rsc/foo/bar", "subdir/path"}}},
      // Ours: after </head> nothing counts; entities are decoded; case
      // does not matter in names.
      {"<HEAD><META NAME='go-import' CONTENT='a.example/x git "
       "https://h/x?a=1&amp;b=2'></HEAD>"
       "<meta name=\"go-import\" content=\"late.example git https://h/late\">",
       false,
       {{"a.example/x", "git", "https://h/x?a=1&b=2", ""}}},
    };
    for (const auto& c : cases) {
      CAPTURE(std::string(c.html));
      CHECK(vcs::parse_meta_go_imports(c.html, c.prefer_mod) == c.want);
    }
  }

  TEST_CASE("matching a go-import tag")
  {
    std::vector<vcs::MetaImport> tags = {
      {"corp.example/lib", "git", "https://git.corp.example/lib", ""},
      {"corp.example/other", "git", "https://git.corp.example/other", ""}};
    auto m = vcs::match_go_import(tags, "corp.example/lib/sub/v2");
    REQUIRE(m);
    CHECK(m->repo_root == "https://git.corp.example/lib");
    CHECK_FALSE(vcs::match_go_import(tags, "corp.example/library"));
    tags.push_back(
      {"corp.example", "git", "https://git.corp.example/root", ""});
    auto two = vcs::match_go_import(tags, "corp.example/lib");
    REQUIRE_FALSE(two);
    CHECK(two.error().message.find("multiple meta tags") != std::string::npos);
    // A mod entry first wins over the rest.
    std::vector<vcs::MetaImport> mod = {
      {"corp.example", "mod", "https://proxy.corp.example", ""},
      {"corp.example", "git", "https://git.corp.example/root", ""}};
    CHECK(vcs::match_go_import(mod, "corp.example/x")->vcs == "mod");
  }
}
