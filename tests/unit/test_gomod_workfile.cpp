#include <gomod/strconv.hpp>
#include <gomod/workfile.hpp>

#include <doctest/doctest.h>

#include <filesystem>
#include <string>
#include <string_view>
#include <tests/support/temp_dir.hpp>

namespace modfile = gpx::gomod::modfile;
using gpx::gomod::strconv::quote;

namespace {

// The same summary as the Go program that recorded k_go126.
std::string
summarize(const modfile::WorkFile& f)
{
  std::string out;
  auto line = [&](const std::string& s) {
    if (!out.empty()) {
      out += '\n';
    }
    out += s;
  };
  if (f.go) {
    line("go " + quote(f.go->version));
  }
  if (f.toolchain) {
    line("toolchain " + quote(f.toolchain->name));
  }
  for (const auto& g : f.godebug) {
    line("godebug " + quote(g.key) + " " + quote(g.value));
  }
  for (const auto& u : f.use) {
    line("use " + quote(u.path));
  }
  for (const auto& r : f.replace) {
    line("replace " + quote(r.old_mod.path) + " " + quote(r.old_mod.version)
         + " => " + quote(r.new_mod.path) + " " + quote(r.new_mod.version));
  }
  return out;
}

std::string
run(std::string_view in)
{
  auto f = modfile::parse_work("go.work", in);
  return f ? summarize(*f) : "ERR " + f.error().message;
}

// Our inputs; the expected results were recorded by running each through
// Go 1.26's modfile.ParseWork
// (/usr/local/go/src/cmd/vendor/golang.org/x/mod/modfile/work.go) with a nil
// VersionFixer and printing the result as summarize() does.
constexpr struct
{
  std::string_view name, mode, in, want;
} k_go126[] = {
  {"work_full",
   "work",
   "go 1.23.0\n"
   "toolchain go1.24.0\n"
   "godebug (\n"
   "\tdefault=go1.21\n"
   ")\n"
   "use ./a\n"
   "use (\n"
   "\t../b\n"
   "\t\"/c d\"\n"
   ")\n"
   "replace example.com/x v1.0.0 => ./x\n"
   "replace (\n"
   "\texample.com/y => example.com/y2 v1.2.3\n"
   ")",
   "go \"1.23.0\"\n"
   "toolchain \"go1.24.0\"\n"
   "godebug \"default\" \"go1.21\"\n"
   "use \"./a\"\n"
   "use \"../b\"\n"
   "use \"/c d\"\n"
   "replace \"example.com/x\" \"v1.0.0\" => \"./x\" \"\"\n"
   "replace \"example.com/y\" \"\" => \"example.com/y2\" \"v1.2.3\""},
  {"work_unknown",
   "work",
   "go 1.21\nrequire x v1.0.0",
   "ERR go.work:2: unknown directive: require"},
  {"work_unknown_block",
   "work",
   "go 1.21\nrequire (\n\tx v1.0.0\n)",
   "ERR go.work:2: unknown block type: require"},
  {"work_go_block",
   "work",
   "go (\n\t1.21\n)",
   "ERR go.work:1: unknown block type: go"},
  {"work_go_lax_form",
   "work",
   "go v1.21",
   "ERR go.work:1: invalid go version 'v1.21': must match format 1.23.0"},
  {"work_go_repeated",
   "work",
   "go 1.21\ngo 1.22",
   "ERR go.work:2: repeated go statement"},
  {"work_use_usage", "work", "use a b", "ERR go.work:1: usage: use local/dir"},
  {"work_use_quote",
   "work",
   "use 'a'",
   "ERR go.work:1: invalid quoted string: unquoted string cannot contain "
   "quote"},
  {"work_toolchain_bad",
   "work",
   "toolchain 1.21",
   "ERR go.work:1: invalid toolchain version '1.21': must match format "
   "go1.23.0 or default"},
  {"work_toolchain_repeated",
   "work",
   "toolchain go1.21.0\ntoolchain default",
   "ERR go.work:2: repeated toolchain statement"},
  {"work_replace_bad",
   "work",
   "replace x => y",
   "ERR go.work:1: replacement module without version must be directory path "
   "(rooted or starting with . or ..)"},
  {"work_godebug_bad",
   "work",
   "godebug x",
   "ERR go.work:1: usage: godebug key=value"},
  {"work_syntax",
   "work",
   "use (",
   "ERR go.work:1:6: syntax error (unterminated block started at go.work:1:1)"},
};

} // namespace

TEST_SUITE("gomod::modfile")
{
  TEST_CASE("parse_work agrees with Go 1.26")
  {
    for (const auto& tc : k_go126) {
      CAPTURE(tc.name);
      CAPTURE(tc.in);
      CHECK(run(tc.in) == tc.want);
    }
  }

  // x/mod 0.7.0 modfile/work_test.go, TestWorkPrintParse: the go.work golden
  // files. The parsed values are our own checks.
  TEST_CASE("x/mod testdata/work")
  {
    const std::filesystem::path dir =
      std::filesystem::path(GPX_XMOD_DIR) / "modfile/testdata/work";
    constexpr struct
    {
      std::string_view file, want;
    } tests[] = {
      {"comment.in", "use \"x\"\nuse \"y\""},
      {"comment.golden", "use \"x\"\nuse \"y\""},
      {"empty.in", ""},
      {"empty.golden", ""},
      {"replace.in",
       "use \"abc\"\n"
       "replace \"xyz\" \"v1.2.3\" => \"/tmp/z\" \"\"\n"
       "replace \"xyz\" \"v1.3.4\" => \"my/xyz\" \"v1.3.4-me\"\n"
       "replace \"w\" \"v1.0.0\" => \"./a,\" \"\"\n"
       "replace \"w\" \"v1.0.1\" => \"./a()\" \"\"\n"
       "replace \"w\" \"v1.0.2\" => \"./a[]\" \"\"\n"
       "replace \"w\" \"v1.0.3\" => \"./a{}\" \"\""},
      {"replace2.in",
       "use \"abc\"\n"
       "replace \"xyz\" \"v1.2.3\" => \"/tmp/z\" \"\"\n"
       "replace \"xyz\" \"v1.3.4\" => \"my/xyz\" \"v1.3.4-me\"\n"
       "replace \"xyz\" \"v1.4.5\" => \"/tmp/my dir\" \"\"\n"
       "replace \"xyz\" \"v1.5.6\" => \"my/xyz\" \"v1.5.6\"\n"
       "replace \"xyz\" \"\" => \"my/other/xyz\" \"v1.5.4\""},
      {"use.in", "use \"../foo\"\nuse \"/bar\"\nuse \"baz\""},
      {"use.golden", "use \"../foo\"\nuse \"/bar\"\nuse \"baz\""},
    };
    for (const auto& tc : tests) {
      CAPTURE(tc.file);
      const auto path = dir / tc.file;
      REQUIRE(std::filesystem::exists(path));
      auto f = modfile::parse_work(tc.file, gpx::test::read_file(path));
      REQUIRE_MESSAGE(f, f.error().message);
      CHECK(summarize(*f) == tc.want);
    }
  }

  TEST_CASE("parse_work keeps positions and passes the fixer to replace")
  {
    const modfile::VersionFixer fix =
      [](std::string_view, std::string_view v) -> gpx::Result<std::string> {
      return "v" + std::string(v);
    };
    auto f = modfile::parse_work("go.work",
                                 "go 1.22\n"
                                 "\n"
                                 "use (\n"
                                 "\t./a\n"
                                 ")\n"
                                 "replace x 1.0.0 => y 1.1.0\n",
                                 fix);
    REQUIRE_MESSAGE(f, f.error().message);
    REQUIRE(f->use.size() == 1);
    CHECK(f->use[0].pos == modfile::Position{4, 2, 16});
    REQUIRE(f->replace.size() == 1);
    CHECK(f->replace[0].old_mod == gpx::gomod::Version{"x", "v1.0.0"});
    CHECK(f->replace[0].new_mod == gpx::gomod::Version{"y", "v1.1.0"});
    CHECK(f->syntax.name == "go.work");
  }
}
