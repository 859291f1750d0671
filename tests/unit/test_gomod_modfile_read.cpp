#include <gomod/modfile_read.hpp>
#include <gomod/strconv.hpp>

#include <doctest/doctest.h>

#include <filesystem>
#include <string>
#include <string_view>
#include <tests/support/temp_dir.hpp>
#include <variant>

namespace modfile = gpx::gomod::modfile;
namespace strconv = gpx::gomod::strconv;

namespace {

// Every token of the file, with blocks shown as `verb ( … )`.
std::string
all_tokens(const modfile::FileSyntax& f)
{
  std::string out;
  auto add = [&](const std::string& t) {
    if (!out.empty()) {
      out += ' ';
    }
    out += t;
  };
  for (const auto& stmt : f.stmt) {
    if (const auto* line = std::get_if<modfile::Line>(&stmt)) {
      for (const auto& t : line->token) {
        add(t);
      }
    } else if (const auto* block = std::get_if<modfile::LineBlock>(&stmt)) {
      for (const auto& t : block->token) {
        add(t);
      }
      add("(");
      for (const auto& l : block->line) {
        for (const auto& t : l.token) {
          add(t);
        }
      }
      add(")");
    }
  }
  return out;
}

// Where each comment ended up, in the layout of read_test.go's TestComments.
std::string
comment_layout(const modfile::FileSyntax& f)
{
  std::string out;
  auto print = [&](std::string_view prefix, const modfile::Comments& cs) {
    for (const auto& c : cs.before) {
      out += std::string(prefix) + " before " + strconv::quote(c.token) + "\n";
    }
    for (const auto& c : cs.suffix) {
      out += std::string(prefix) + " suffix " + strconv::quote(c.token) + "\n";
    }
    for (const auto& c : cs.after) {
      out += std::string(prefix) + " after " + strconv::quote(c.token) + "\n";
    }
  };
  print("file", f.comments);
  for (const auto& stmt : f.stmt) {
    if (const auto* cb = std::get_if<modfile::CommentBlock>(&stmt)) {
      print("comments", cb->comments);
    } else if (const auto* line = std::get_if<modfile::Line>(&stmt)) {
      print("line", line->comments);
    } else {
      const auto& block = std::get<modfile::LineBlock>(stmt);
      print("block", block.comments);
      print("lparen", block.lparen.comments);
      for (const auto& l : block.line) {
        print("blockline", l.comments);
      }
      print("rparen", block.rparen.comments);
    }
  }
  return std::string(strconv::trim_space(out));
}

std::string
syntax_error(std::string_view data)
{
  auto f = modfile::parse_syntax("go.mod", data);
  return f ? "" : f.error().message;
}

std::string
pos(const modfile::Position& p)
{
  return std::to_string(p.line) + ":" + std::to_string(p.line_rune) + ":"
         + std::to_string(p.byte);
}

std::string
toks(const std::vector<std::string>& tokens)
{
  std::string out;
  for (const auto& t : tokens) {
    out += (out.empty() ? "" : " ") + strconv::quote(t);
  }
  return out;
}

// The whole tree with positions, in the format of the Go program that
// recorded k_syntax_go126 and k_testdata_go126.
std::string
dump(const modfile::FileSyntax& f)
{
  std::string out;
  auto coms = [&](std::string_view prefix, const modfile::Comments& cs) {
    auto one = [&](std::string_view where, const modfile::Comment& c) {
      out += std::string(prefix) + " " + std::string(where) + " " + pos(c.start)
             + " " + strconv::quote(c.token)
             + (c.suffix ? " true\n" : " false\n");
    };
    for (const auto& c : cs.before) {
      one("before", c);
    }
    for (const auto& c : cs.suffix) {
      one("suffix", c);
    }
    for (const auto& c : cs.after) {
      one("after", c);
    }
  };
  coms("file", f.comments);
  for (const auto& stmt : f.stmt) {
    if (const auto* cb = std::get_if<modfile::CommentBlock>(&stmt)) {
      out += "comments " + pos(cb->start) + "\n";
      coms(" ", cb->comments);
    } else if (const auto* line = std::get_if<modfile::Line>(&stmt)) {
      out += "line " + pos(line->start) + "-" + pos(line->end)
             + (line->in_block ? " true " : " false ") + toks(line->token)
             + "\n";
      coms(" ", line->comments);
    } else {
      const auto& b = std::get<modfile::LineBlock>(stmt);
      out += "block " + pos(b.start) + " " + toks(b.token) + " ( "
             + pos(b.lparen.pos) + " ) " + pos(b.rparen.pos) + "\n";
      coms(" ", b.comments);
      coms(" lparen", b.lparen.comments);
      for (const auto& l : b.line) {
        out += " line " + pos(l.start) + "-" + pos(l.end)
               + (l.in_block ? " true " : " false ") + toks(l.token) + "\n";
        coms("  ", l.comments);
      }
      coms(" rparen", b.rparen.comments);
    }
  }
  if (!out.empty()) {
    out.pop_back();
  }
  return out;
}

std::string
run_dump(std::string_view data)
{
  auto f = modfile::parse_syntax("go.mod", data);
  return f ? dump(*f) : "ERR " + f.error().message;
}

struct Recorded
{
  std::string_view name, mode, in, want;
};

// Our inputs; the wanted trees were recorded from Go 1.26's modfile parser
// (/usr/local/go/src/cmd/vendor/golang.org/x/mod/modfile/read.go, its
// unexported parse) and printed as dump() prints.
constexpr Recorded k_syntax_go126[] = {
  {"comments_everywhere",
   "syntax",
   "// file head\n"
   "\n"
   "// attached\n"
   "module m // m-suffix\n"
   "// between\n"
   "require ( // lparen\n"
   "\t// before a\n"
   "\ta v1 // a-suffix\n"
   "\n"
   "\tb v2\n"
   "\t// before rparen\n"
   ") // rparen-suffix\n"
   "retract [v1, v2] // why\n"
   "// tail",
   "comments 1:1:0\n"
   "  before 1:1:0 \"// file head\" false\n"
   "line 4:1:26-4:9:34 false \"module\" \"m\"\n"
   "  before 3:1:14 \"// attached\" false\n"
   "  suffix 4:10:35 \"// m-suffix\" true\n"
   "block 6:1:58 \"require\" ( 6:9:66 ) 12:1:134\n"
   "  before 5:1:47 \"// between\" false\n"
   " lparen suffix 6:11:68 \"// lparen\" true\n"
   " line 8:2:92-8:6:96 true \"a\" \"v1\"\n"
   "   before 7:2:79 \"// before a\" false\n"
   "   suffix 8:7:97 \"// a-suffix\" true\n"
   " line 10:2:111-10:6:115 true \"b\" \"v2\"\n"
   "   before 0:0:0 \"\" false\n"
   " rparen before 11:2:117 \"// before rparen\" false\n"
   " rparen suffix 12:3:136 \"// rparen-suffix\" true\n"
   "line 13:1:153-13:17:169 false \"retract\" \"[\" \"v1\" \",\" \"v2\" \"]\"\n"
   "  suffix 13:18:170 \"// why\" true\n"
   "comments 14:1:177\n"
   "  before 14:1:177 \"// tail\" false"},
  {"inline_parens",
   "syntax",
   "x ( y\n\tz ) // c\nw ( ) v // d",
   "line 1:1:0-1:6:5 false \"x\" \"(\" \"y\"\n"
   "line 2:2:7-2:5:10 false \"z\" \")\"\n"
   "  suffix 2:6:11 \"// c\" true\n"
   "line 3:1:16-3:8:23 false \"w\" \"(\" \")\" \"v\"\n"
   "  suffix 3:9:24 \"// d\" true"},
  {"unicode",
   "syntax",
   "ab\n  \303\253x \"\303\274\" // c",
   "line 1:1:0-1:3:2 false \"ab\"\n"
   "line 2:3:5-2:9:13 false \"\303\253x\" \"\\\"\303\274\\\"\"\n"
   "  suffix 2:10:14 \"// c\" true"},
  {"crlf",
   "syntax",
   "module m\015\n// c\015\nrequire (\015\n\ta v1 // s\015\n)\015",
   "line 1:1:0-1:9:8 false \"module\" \"m\"\n"
   "block 3:1:16 \"require\" ( 3:9:24 ) 5:1:39\n"
   "  before 2:1:10 \"// c\" false\n"
   " line 4:2:28-4:6:32 true \"a\" \"v1\"\n"
   "   suffix 4:7:33 \"// s\" true"},
  {"blank_lines_in_block",
   "syntax",
   "require (\n\n\ta v1\n\n\n\tb v2\n\n)",
   "block 1:1:0 \"require\" ( 1:9:8 ) 8:1:26\n"
   " line 3:2:12-3:6:16 true \"a\" \"v1\"\n"
   " line 6:2:20-6:6:24 true \"b\" \"v2\"\n"
   "   before 0:0:0 \"\" false"},
  {"nested_paren_lines",
   "syntax",
   "require (\n\t( a\n\ta )\n\ta ( b ) c\n)",
   "block 1:1:0 \"require\" ( 1:9:8 ) 5:1:31\n"
   " line 2:2:11-2:5:14 true \"(\" \"a\"\n"
   " line 3:2:16-3:5:19 true \"a\" \")\"\n"
   " line 4:2:21-4:11:30 true \"a\" \"(\" \"b\" \")\" \"c\""},
  {"strings",
   "syntax",
   "x \"a b\" `c d` \"e\\\"f\" `g\\`",
   "line 1:1:0-1:26:25 false \"x\" \"\\\"a b\\\"\" \"`c d`\" "
   "\"\\\"e\\\\\\\"f\\\"\" \"`g\\\\`\""},
  {"empty_block_comment",
   "syntax",
   "require ( ) // c\nrequire () // d",
   "block 1:1:0 \"require\" ( 1:9:8 ) 1:11:10\n"
   "  suffix 1:13:12 \"// c\" true\n"
   "block 2:1:17 \"require\" ( 2:9:25 ) 2:10:26\n"
   "  suffix 2:12:28 \"// d\" true"},
};

// x/mod 0.7.0's modfile/testdata golden files (read in place); the wanted
// trees were recorded from Go 1.26's parser as above.
constexpr Recorded k_testdata_go126[] = {
  {"block.golden",
   "syntax",
   "// comment\n"
   "x \"y\" z\n"
   "\n"
   "// block\n"
   "block ( // block-eol\n"
   "\t// x-before-line\n"
   "\n"
   "\t\"x\" (y // x-eol\n"
   "\t\"x\") y // y-eol\n"
   "\t\"x1\"\n"
   "\t\"x2\"\n"
   "\t// line\n"
   "\t\"x3\"\n"
   "\t\"x4\"\n"
   "\n"
   "\t\"x5\"\n"
   "\n"
   "\t// y-line\n"
   "\t\"y\" //  y-eol\n"
   "\n"
   "\t\"z\" // z-eol\n"
   ") // block-eol2\n"
   "\n"
   "block1 (\n"
   ")\n"
   "\n"
   "block2 (x y z)\n"
   "\n"
   "block3 \"w\" (\n"
   ") // empty block\n"
   "\n"
   "block4 \"x\" () \"y\" // not a block\n"
   "\n"
   "block5 (\"z\" // also not a block\n"
   "\n"
   "// eof\n",
   "line 2:1:11-2:8:18 false \"x\" \"\\\"y\\\"\" \"z\"\n"
   "  before 1:1:0 \"// comment\" false\n"
   "block 5:1:29 \"block\" ( 5:7:35 ) 22:1:185\n"
   "  before 4:1:20 \"// block\" false\n"
   " lparen suffix 5:9:37 \"// block-eol\" true\n"
   " line 8:2:70-8:8:76 true \"\\\"x\\\"\" \"(\" \"y\"\n"
   "   before 6:2:51 \"// x-before-line\" false\n"
   "   before 0:0:0 \"\" false\n"
   "   suffix 8:9:77 \"// x-eol\" true\n"
   " line 9:2:87-9:8:93 true \"\\\"x\\\"\" \")\" \"y\"\n"
   "   suffix 9:9:94 \"// y-eol\" true\n"
   " line 10:2:104-10:6:108 true \"\\\"x1\\\"\"\n"
   " line 11:2:110-11:6:114 true \"\\\"x2\\\"\"\n"
   " line 13:2:125-13:6:129 true \"\\\"x3\\\"\"\n"
   "   before 12:2:116 \"// line\" false\n"
   " line 14:2:131-14:6:135 true \"\\\"x4\\\"\"\n"
   " line 16:2:138-16:6:142 true \"\\\"x5\\\"\"\n"
   "   before 0:0:0 \"\" false\n"
   " line 19:2:156-19:5:159 true \"\\\"y\\\"\"\n"
   "   before 0:0:0 \"\" false\n"
   "   before 18:2:145 \"// y-line\" false\n"
   "   suffix 19:6:160 \"//  y-eol\" true\n"
   " line 21:2:172-21:5:175 true \"\\\"z\\\"\"\n"
   "   before 0:0:0 \"\" false\n"
   "   suffix 21:6:176 \"// z-eol\" true\n"
   " rparen suffix 22:3:187 \"// block-eol2\" true\n"
   "block 24:1:202 \"block1\" ( 24:8:209 ) 25:1:211\n"
   "line 27:1:214-27:15:228 false \"block2\" \"(\" \"x\" \"y\" \"z\" \")\"\n"
   "block 29:1:230 \"block3\" \"\\\"w\\\"\" ( 29:12:241 ) 30:1:243\n"
   " rparen suffix 30:3:245 \"// empty block\" true\n"
   "line 32:1:261-32:18:278 false \"block4\" \"\\\"x\\\"\" \"(\" \")\" "
   "\"\\\"y\\\"\"\n"
   "  suffix 32:19:279 \"// not a block\" true\n"
   "line 34:1:295-34:12:306 false \"block5\" \"(\" \"\\\"z\\\"\"\n"
   "  suffix 34:13:307 \"// also not a block\" true\n"
   "comments 36:1:328\n"
   "  before 36:1:328 \"// eof\" false"},
  {"block.in",
   "syntax",
   "// comment\n"
   "x \"y\" z\n"
   "\n"
   "// block\n"
   "block ( // block-eol\n"
   "\t// x-before-line\n"
   "\t\n"
   "\t\"x\" ( y // x-eol\n"
   "\t\"x\" ) y // y-eol\n"
   "\t\"x1\"\n"
   "\t\"x2\"\n"
   "\t// line\n"
   "\t\"x3\"\n"
   "\t\"x4\"\n"
   "\t\n"
   "\t\"x5\"\n"
   "\t\n"
   "\t// y-line\n"
   "\t\"y\" //  y-eol\n"
   "\t\n"
   "\t\"z\" // z-eol\n"
   ") // block-eol2\n"
   "\n"
   "\n"
   "block1()\n"
   "\n"
   "block2 (x y z)\n"
   "\n"
   "block3 \"w\" ( ) // empty block\n"
   "block4 \"x\" ( ) \"y\" // not a block\n"
   "block5 ( \"z\" // also not a block\n"
   "\n"
   "// eof\n",
   "line 2:1:11-2:8:18 false \"x\" \"\\\"y\\\"\" \"z\"\n"
   "  before 1:1:0 \"// comment\" false\n"
   "block 5:1:29 \"block\" ( 5:7:35 ) 22:1:191\n"
   "  before 4:1:20 \"// block\" false\n"
   " lparen suffix 5:9:37 \"// block-eol\" true\n"
   " line 8:2:71-8:9:78 true \"\\\"x\\\"\" \"(\" \"y\"\n"
   "   before 6:2:51 \"// x-before-line\" false\n"
   "   before 0:0:0 \"\" false\n"
   "   suffix 8:10:79 \"// x-eol\" true\n"
   " line 9:2:89-9:9:96 true \"\\\"x\\\"\" \")\" \"y\"\n"
   "   suffix 9:10:97 \"// y-eol\" true\n"
   " line 10:2:107-10:6:111 true \"\\\"x1\\\"\"\n"
   " line 11:2:113-11:6:117 true \"\\\"x2\\\"\"\n"
   " line 13:2:128-13:6:132 true \"\\\"x3\\\"\"\n"
   "   before 12:2:119 \"// line\" false\n"
   " line 14:2:134-14:6:138 true \"\\\"x4\\\"\"\n"
   " line 16:2:142-16:6:146 true \"\\\"x5\\\"\"\n"
   "   before 0:0:0 \"\" false\n"
   " line 19:2:161-19:5:164 true \"\\\"y\\\"\"\n"
   "   before 0:0:0 \"\" false\n"
   "   before 18:2:150 \"// y-line\" false\n"
   "   suffix 19:6:165 \"//  y-eol\" true\n"
   " line 21:2:178-21:5:181 true \"\\\"z\\\"\"\n"
   "   before 0:0:0 \"\" false\n"
   "   suffix 21:6:182 \"// z-eol\" true\n"
   " rparen suffix 22:3:193 \"// block-eol2\" true\n"
   "block 25:1:209 \"block1\" ( 25:7:215 ) 25:8:216\n"
   "line 27:1:219-27:15:233 false \"block2\" \"(\" \"x\" \"y\" \"z\" \")\"\n"
   "block 29:1:235 \"block3\" \"\\\"w\\\"\" ( 29:12:246 ) 29:14:248\n"
   "  suffix 29:16:250 \"// empty block\" true\n"
   "line 30:1:265-30:19:283 false \"block4\" \"\\\"x\\\"\" \"(\" \")\" "
   "\"\\\"y\\\"\"\n"
   "  suffix 30:20:284 \"// not a block\" true\n"
   "line 31:1:299-31:13:311 false \"block5\" \"(\" \"\\\"z\\\"\"\n"
   "  suffix 31:14:312 \"// also not a block\" true\n"
   "comments 33:1:333\n"
   "  before 33:1:333 \"// eof\" false"},
  {"comment.golden",
   "syntax",
   "// comment\n"
   "module \"x\" // eol\n"
   "\n"
   "// mid comment\n"
   "\n"
   "// comment 2\n"
   "// comment 2 line 2\n"
   "module \"y\" // eoy\n"
   "\n"
   "// comment 3\n",
   "line 2:1:11-2:11:21 false \"module\" \"\\\"x\\\"\"\n"
   "  before 1:1:0 \"// comment\" false\n"
   "  suffix 2:12:22 \"// eol\" true\n"
   "comments 4:1:30\n"
   "  before 4:1:30 \"// mid comment\" false\n"
   "line 8:1:79-8:11:89 false \"module\" \"\\\"y\\\"\"\n"
   "  before 6:1:46 \"// comment 2\" false\n"
   "  before 7:1:59 \"// comment 2 line 2\" false\n"
   "  suffix 8:12:90 \"// eoy\" true\n"
   "comments 10:1:98\n"
   "  before 10:1:98 \"// comment 3\" false"},
  {"comment.in",
   "syntax",
   "// comment\n"
   "module \"x\" // eol\n"
   "// mid comment\n"
   "\n"
   "// comment 2\n"
   "// comment 2 line 2\n"
   "module \"y\" // eoy\n"
   "// comment 3\n",
   "line 2:1:11-2:11:21 false \"module\" \"\\\"x\\\"\"\n"
   "  before 1:1:0 \"// comment\" false\n"
   "  suffix 2:12:22 \"// eol\" true\n"
   "comments 3:1:29\n"
   "  before 3:1:29 \"// mid comment\" false\n"
   "line 7:1:78-7:11:88 false \"module\" \"\\\"y\\\"\"\n"
   "  before 5:1:45 \"// comment 2\" false\n"
   "  before 6:1:58 \"// comment 2 line 2\" false\n"
   "  suffix 7:12:89 \"// eoy\" true\n"
   "comments 8:1:96\n"
   "  before 8:1:96 \"// comment 3\" false"},
  {"empty.golden", "syntax", "", ""},
  {"empty.in", "syntax", "", ""},
  {"gopkg.in.golden",
   "syntax",
   "module x\n"
   "\n"
   "require (\n"
   "\tgopkg.in/mgo.v2 v2.0.0-20160818020120-3f83fa500528\n"
   "\tgopkg.in/yaml.v2 v2.2.1\n"
   ")\n",
   "line 1:1:0-1:9:8 false \"module\" \"x\"\n"
   "block 3:1:10 \"require\" ( 3:9:18 ) 6:1:97\n"
   " line 4:2:21-4:52:71 true \"gopkg.in/mgo.v2\" "
   "\"v2.0.0-20160818020120-3f83fa500528\"\n"
   " line 5:2:73-5:25:96 true \"gopkg.in/yaml.v2\" \"v2.2.1\""},
  {"module.golden",
   "syntax",
   "module abc\n",
   "line 1:1:0-1:11:10 false \"module\" \"abc\""},
  {"module.in",
   "syntax",
   "module \"abc\"\n",
   "line 1:1:0-1:13:12 false \"module\" \"\\\"abc\\\"\""},
  {"replace.golden",
   "syntax",
   "module abc\n"
   "\n"
   "replace xyz v1.2.3 => /tmp/z\n"
   "\n"
   "replace xyz v1.3.4 => my/xyz v1.3.4-me\n"
   "\n"
   "replace (\n"
   "\tw v1.0.0 => \"./a,\"\n"
   "\tw v1.0.1 => \"./a()\"\n"
   "\tw v1.0.2 => \"./a[]\"\n"
   "\tw v1.0.3 => \"./a{}\"\n"
   ")\n",
   "line 1:1:0-1:11:10 false \"module\" \"abc\"\n"
   "line 3:1:12-3:29:40 false \"replace\" \"xyz\" \"v1.2.3\" \"=>\" "
   "\"/tmp/z\"\n"
   "line 5:1:42-5:39:80 false \"replace\" \"xyz\" \"v1.3.4\" \"=>\" \"my/xyz\" "
   "\"v1.3.4-me\"\n"
   "block 7:1:82 \"replace\" ( 7:9:90 ) 12:1:175\n"
   " line 8:2:93-8:20:111 true \"w\" \"v1.0.0\" \"=>\" \"\\\"./a,\\\"\"\n"
   " line 9:2:113-9:21:132 true \"w\" \"v1.0.1\" \"=>\" \"\\\"./a()\\\"\"\n"
   " line 10:2:134-10:21:153 true \"w\" \"v1.0.2\" \"=>\" \"\\\"./a[]\\\"\"\n"
   " line 11:2:155-11:21:174 true \"w\" \"v1.0.3\" \"=>\" \"\\\"./a{}\\\"\""},
  {"replace.in",
   "syntax",
   "module \"abc\"\n"
   "\n"
   "replace \"xyz\" v1.2.3 => \"/tmp/z\"\n"
   "\n"
   "replace \"xyz\" v1.3.4 => \"my/xyz\" v1.3.4-me\n"
   "\n"
   "replace (\n"
   "\t\"w\" v1.0.0 => \"./a,\"\n"
   "\t\"w\" v1.0.1 => \"./a()\"\n"
   "\t\"w\" v1.0.2 => \"./a[]\"\n"
   "\t\"w\" v1.0.3 => \"./a{}\"\n"
   ")\n",
   "line 1:1:0-1:13:12 false \"module\" \"\\\"abc\\\"\"\n"
   "line 3:1:14-3:33:46 false \"replace\" \"\\\"xyz\\\"\" \"v1.2.3\" \"=>\" "
   "\"\\\"/tmp/z\\\"\"\n"
   "line 5:1:48-5:43:90 false \"replace\" \"\\\"xyz\\\"\" \"v1.3.4\" \"=>\" "
   "\"\\\"my/xyz\\\"\" \"v1.3.4-me\"\n"
   "block 7:1:92 \"replace\" ( 7:9:100 ) 12:1:193\n"
   " line 8:2:103-8:22:123 true \"\\\"w\\\"\" \"v1.0.0\" \"=>\" "
   "\"\\\"./a,\\\"\"\n"
   " line 9:2:125-9:23:146 true \"\\\"w\\\"\" \"v1.0.1\" \"=>\" "
   "\"\\\"./a()\\\"\"\n"
   " line 10:2:148-10:23:169 true \"\\\"w\\\"\" \"v1.0.2\" \"=>\" "
   "\"\\\"./a[]\\\"\"\n"
   " line 11:2:171-11:23:192 true \"\\\"w\\\"\" \"v1.0.3\" \"=>\" "
   "\"\\\"./a{}\\\"\""},
  {"replace2.golden",
   "syntax",
   "module abc\n"
   "\n"
   "replace (\n"
   "\txyz v1.2.3 => /tmp/z\n"
   "\txyz v1.3.4 => my/xyz v1.3.4-me\n"
   "\txyz v1.4.5 => \"/tmp/my dir\"\n"
   "\txyz v1.5.6 => my/xyz v1.5.6\n"
   "\n"
   "\txyz => my/other/xyz v1.5.4\n"
   ")\n",
   "line 1:1:0-1:11:10 false \"module\" \"abc\"\n"
   "block 3:1:12 \"replace\" ( 3:9:20 ) 10:1:163\n"
   " line 4:2:23-4:22:43 true \"xyz\" \"v1.2.3\" \"=>\" \"/tmp/z\"\n"
   " line 5:2:45-5:32:75 true \"xyz\" \"v1.3.4\" \"=>\" \"my/xyz\" "
   "\"v1.3.4-me\"\n"
   " line 6:2:77-6:29:104 true \"xyz\" \"v1.4.5\" \"=>\" \"\\\"/tmp/my "
   "dir\\\"\"\n"
   " line 7:2:106-7:29:133 true \"xyz\" \"v1.5.6\" \"=>\" \"my/xyz\" "
   "\"v1.5.6\"\n"
   " line 9:2:136-9:28:162 true \"xyz\" \"=>\" \"my/other/xyz\" \"v1.5.4\"\n"
   "   before 0:0:0 \"\" false"},
  {"replace2.in",
   "syntax",
   "module \"abc\"\n"
   "\n"
   "replace (\n"
   "\t\"xyz\" v1.2.3 => \"/tmp/z\"\n"
   "\t\"xyz\" v1.3.4 => \"my/xyz\" \"v1.3.4-me\"\n"
   "\txyz \"v1.4.5\" => \"/tmp/my dir\"\n"
   "\txyz v1.5.6 => my/xyz v1.5.6\n"
   "\n"
   "\txyz => my/other/xyz v1.5.4\n"
   ")\n",
   "line 1:1:0-1:13:12 false \"module\" \"\\\"abc\\\"\"\n"
   "block 3:1:14 \"replace\" ( 3:9:22 ) 10:1:177\n"
   " line 4:2:25-4:26:49 true \"\\\"xyz\\\"\" \"v1.2.3\" \"=>\" "
   "\"\\\"/tmp/z\\\"\"\n"
   " line 5:2:51-5:38:87 true \"\\\"xyz\\\"\" \"v1.3.4\" \"=>\" "
   "\"\\\"my/xyz\\\"\" \"\\\"v1.3.4-me\\\"\"\n"
   " line 6:2:89-6:31:118 true \"xyz\" \"\\\"v1.4.5\\\"\" \"=>\" \"\\\"/tmp/my "
   "dir\\\"\"\n"
   " line 7:2:120-7:29:147 true \"xyz\" \"v1.5.6\" \"=>\" \"my/xyz\" "
   "\"v1.5.6\"\n"
   " line 9:2:150-9:28:176 true \"xyz\" \"=>\" \"my/other/xyz\" \"v1.5.4\"\n"
   "   before 0:0:0 \"\" false"},
  {"retract.golden",
   "syntax",
   "module abc\n"
   "\n"
   "retract v1.2.3\n"
   "\n"
   "retract [v1.2.3, v1.2.4]\n"
   "\n"
   "retract (\n"
   "\tv1.2.3\n"
   "\n"
   "\t[v1.2.3, v1.2.4]\n"
   ")\n",
   "line 1:1:0-1:11:10 false \"module\" \"abc\"\n"
   "line 3:1:12-3:15:26 false \"retract\" \"v1.2.3\"\n"
   "line 5:1:28-5:25:52 false \"retract\" \"[\" \"v1.2.3\" \",\" \"v1.2.4\" "
   "\"]\"\n"
   "block 7:1:54 \"retract\" ( 7:9:62 ) 11:1:91\n"
   " line 8:2:65-8:8:71 true \"v1.2.3\"\n"
   " line 10:2:74-10:18:90 true \"[\" \"v1.2.3\" \",\" \"v1.2.4\" \"]\"\n"
   "   before 0:0:0 \"\" false"},
  {"retract.in",
   "syntax",
   "module abc\n"
   "\n"
   "retract \"v1.2.3\"\n"
   "\n"
   "retract [ \"v1.2.3\" , \"v1.2.4\" ]\n"
   "\n"
   "retract (\n"
   "\t\"v1.2.3\"\n"
   "\n"
   "\t[ \"v1.2.3\" , \"v1.2.4\" ]\n"
   ")\n",
   "line 1:1:0-1:11:10 false \"module\" \"abc\"\n"
   "line 3:1:12-3:17:28 false \"retract\" \"\\\"v1.2.3\\\"\"\n"
   "line 5:1:30-5:32:61 false \"retract\" \"[\" \"\\\"v1.2.3\\\"\" \",\" "
   "\"\\\"v1.2.4\\\"\" \"]\"\n"
   "block 7:1:63 \"retract\" ( 7:9:71 ) 11:1:109\n"
   " line 8:2:74-8:10:82 true \"\\\"v1.2.3\\\"\"\n"
   " line 10:2:85-10:25:108 true \"[\" \"\\\"v1.2.3\\\"\" \",\" "
   "\"\\\"v1.2.4\\\"\" \"]\"\n"
   "   before 0:0:0 \"\" false"},
  {"rule1.golden",
   "syntax",
   "module \"x\"\n\nmodule \"y\"\n\nrequire \"x\"\n\nrequire x\n",
   "line 1:1:0-1:11:10 false \"module\" \"\\\"x\\\"\"\n"
   "line 3:1:12-3:11:22 false \"module\" \"\\\"y\\\"\"\n"
   "line 5:1:24-5:12:35 false \"require\" \"\\\"x\\\"\"\n"
   "line 7:1:37-7:10:46 false \"require\" \"x\""},
  {"work/comment.golden",
   "syntax",
   "// comment\n"
   "use x // eol\n"
   "\n"
   "// mid comment\n"
   "\n"
   "// comment 2\n"
   "// comment 2 line 2\n"
   "use y // eoy\n"
   "\n"
   "// comment 3\n",
   "line 2:1:11-2:6:16 false \"use\" \"x\"\n"
   "  before 1:1:0 \"// comment\" false\n"
   "  suffix 2:7:17 \"// eol\" true\n"
   "comments 4:1:25\n"
   "  before 4:1:25 \"// mid comment\" false\n"
   "line 8:1:74-8:6:79 false \"use\" \"y\"\n"
   "  before 6:1:41 \"// comment 2\" false\n"
   "  before 7:1:54 \"// comment 2 line 2\" false\n"
   "  suffix 8:7:80 \"// eoy\" true\n"
   "comments 10:1:88\n"
   "  before 10:1:88 \"// comment 3\" false"},
  {"work/comment.in",
   "syntax",
   "// comment\n"
   "use \"x\" // eol\n"
   "// mid comment\n"
   "\n"
   "// comment 2\n"
   "// comment 2 line 2\n"
   "use \"y\" // eoy\n"
   "// comment 3\n",
   "line 2:1:11-2:8:18 false \"use\" \"\\\"x\\\"\"\n"
   "  before 1:1:0 \"// comment\" false\n"
   "  suffix 2:9:19 \"// eol\" true\n"
   "comments 3:1:26\n"
   "  before 3:1:26 \"// mid comment\" false\n"
   "line 7:1:75-7:8:82 false \"use\" \"\\\"y\\\"\"\n"
   "  before 5:1:42 \"// comment 2\" false\n"
   "  before 6:1:55 \"// comment 2 line 2\" false\n"
   "  suffix 7:9:83 \"// eoy\" true\n"
   "comments 8:1:90\n"
   "  before 8:1:90 \"// comment 3\" false"},
  {"work/empty.golden", "syntax", "", ""},
  {"work/empty.in", "syntax", "", ""},
  {"work/replace.golden",
   "syntax",
   "use abc\n"
   "\n"
   "replace xyz v1.2.3 => /tmp/z\n"
   "\n"
   "replace xyz v1.3.4 => my/xyz v1.3.4-me\n"
   "\n"
   "replace (\n"
   "\tw v1.0.0 => \"./a,\"\n"
   "\tw v1.0.1 => \"./a()\"\n"
   "\tw v1.0.2 => \"./a[]\"\n"
   "\tw v1.0.3 => \"./a{}\"\n"
   ")\n",
   "line 1:1:0-1:8:7 false \"use\" \"abc\"\n"
   "line 3:1:9-3:29:37 false \"replace\" \"xyz\" \"v1.2.3\" \"=>\" \"/tmp/z\"\n"
   "line 5:1:39-5:39:77 false \"replace\" \"xyz\" \"v1.3.4\" \"=>\" \"my/xyz\" "
   "\"v1.3.4-me\"\n"
   "block 7:1:79 \"replace\" ( 7:9:87 ) 12:1:172\n"
   " line 8:2:90-8:20:108 true \"w\" \"v1.0.0\" \"=>\" \"\\\"./a,\\\"\"\n"
   " line 9:2:110-9:21:129 true \"w\" \"v1.0.1\" \"=>\" \"\\\"./a()\\\"\"\n"
   " line 10:2:131-10:21:150 true \"w\" \"v1.0.2\" \"=>\" \"\\\"./a[]\\\"\"\n"
   " line 11:2:152-11:21:171 true \"w\" \"v1.0.3\" \"=>\" \"\\\"./a{}\\\"\""},
  {"work/replace.in",
   "syntax",
   "use \"abc\"\n"
   "\n"
   "replace \"xyz\" v1.2.3 => \"/tmp/z\"\n"
   "\n"
   "replace \"xyz\" v1.3.4 => \"my/xyz\" v1.3.4-me\n"
   "\n"
   "replace (\n"
   "\t\"w\" v1.0.0 => \"./a,\"\n"
   "\t\"w\" v1.0.1 => \"./a()\"\n"
   "\t\"w\" v1.0.2 => \"./a[]\"\n"
   "\t\"w\" v1.0.3 => \"./a{}\"\n"
   ")\n",
   "line 1:1:0-1:10:9 false \"use\" \"\\\"abc\\\"\"\n"
   "line 3:1:11-3:33:43 false \"replace\" \"\\\"xyz\\\"\" \"v1.2.3\" \"=>\" "
   "\"\\\"/tmp/z\\\"\"\n"
   "line 5:1:45-5:43:87 false \"replace\" \"\\\"xyz\\\"\" \"v1.3.4\" \"=>\" "
   "\"\\\"my/xyz\\\"\" \"v1.3.4-me\"\n"
   "block 7:1:89 \"replace\" ( 7:9:97 ) 12:1:190\n"
   " line 8:2:100-8:22:120 true \"\\\"w\\\"\" \"v1.0.0\" \"=>\" "
   "\"\\\"./a,\\\"\"\n"
   " line 9:2:122-9:23:143 true \"\\\"w\\\"\" \"v1.0.1\" \"=>\" "
   "\"\\\"./a()\\\"\"\n"
   " line 10:2:145-10:23:166 true \"\\\"w\\\"\" \"v1.0.2\" \"=>\" "
   "\"\\\"./a[]\\\"\"\n"
   " line 11:2:168-11:23:189 true \"\\\"w\\\"\" \"v1.0.3\" \"=>\" "
   "\"\\\"./a{}\\\"\""},
  {"work/replace2.golden",
   "syntax",
   "use abc\n"
   "\n"
   "replace (\n"
   "\txyz v1.2.3 => /tmp/z\n"
   "\txyz v1.3.4 => my/xyz v1.3.4-me\n"
   "\txyz v1.4.5 => \"/tmp/my dir\"\n"
   "\txyz v1.5.6 => my/xyz v1.5.6\n"
   "\n"
   "\txyz => my/other/xyz v1.5.4\n"
   ")\n",
   "line 1:1:0-1:8:7 false \"use\" \"abc\"\n"
   "block 3:1:9 \"replace\" ( 3:9:17 ) 10:1:160\n"
   " line 4:2:20-4:22:40 true \"xyz\" \"v1.2.3\" \"=>\" \"/tmp/z\"\n"
   " line 5:2:42-5:32:72 true \"xyz\" \"v1.3.4\" \"=>\" \"my/xyz\" "
   "\"v1.3.4-me\"\n"
   " line 6:2:74-6:29:101 true \"xyz\" \"v1.4.5\" \"=>\" \"\\\"/tmp/my "
   "dir\\\"\"\n"
   " line 7:2:103-7:29:130 true \"xyz\" \"v1.5.6\" \"=>\" \"my/xyz\" "
   "\"v1.5.6\"\n"
   " line 9:2:133-9:28:159 true \"xyz\" \"=>\" \"my/other/xyz\" \"v1.5.4\"\n"
   "   before 0:0:0 \"\" false"},
  {"work/replace2.in",
   "syntax",
   "use \"abc\"\n"
   "\n"
   "replace (\n"
   "\t\"xyz\" v1.2.3 => \"/tmp/z\"\n"
   "\t\"xyz\" v1.3.4 => \"my/xyz\" \"v1.3.4-me\"\n"
   "\txyz \"v1.4.5\" => \"/tmp/my dir\"\n"
   "\txyz v1.5.6 => my/xyz v1.5.6\n"
   "\n"
   "\txyz => my/other/xyz v1.5.4\n"
   ")\n",
   "line 1:1:0-1:10:9 false \"use\" \"\\\"abc\\\"\"\n"
   "block 3:1:11 \"replace\" ( 3:9:19 ) 10:1:174\n"
   " line 4:2:22-4:26:46 true \"\\\"xyz\\\"\" \"v1.2.3\" \"=>\" "
   "\"\\\"/tmp/z\\\"\"\n"
   " line 5:2:48-5:38:84 true \"\\\"xyz\\\"\" \"v1.3.4\" \"=>\" "
   "\"\\\"my/xyz\\\"\" \"\\\"v1.3.4-me\\\"\"\n"
   " line 6:2:86-6:31:115 true \"xyz\" \"\\\"v1.4.5\\\"\" \"=>\" \"\\\"/tmp/my "
   "dir\\\"\"\n"
   " line 7:2:117-7:29:144 true \"xyz\" \"v1.5.6\" \"=>\" \"my/xyz\" "
   "\"v1.5.6\"\n"
   " line 9:2:147-9:28:173 true \"xyz\" \"=>\" \"my/other/xyz\" \"v1.5.4\"\n"
   "   before 0:0:0 \"\" false"},
  {"work/use.golden",
   "syntax",
   "use ../foo\n\nuse (\n\t/bar\n\n\tbaz\n)\n",
   "line 1:1:0-1:11:10 false \"use\" \"../foo\"\n"
   "block 3:1:12 \"use\" ( 3:5:16 ) 7:1:30\n"
   " line 4:2:19-4:6:23 true \"/bar\"\n"
   " line 6:2:26-6:5:29 true \"baz\"\n"
   "   before 0:0:0 \"\" false"},
  {"work/use.in",
   "syntax",
   "use \"../foo\"\n\nuse (\n\t\"/bar\"\n\n\t\"baz\"\n)\n",
   "line 1:1:0-1:13:12 false \"use\" \"\\\"../foo\\\"\"\n"
   "block 3:1:14 \"use\" ( 3:5:18 ) 7:1:36\n"
   " line 4:2:21-4:8:27 true \"\\\"/bar\\\"\"\n"
   " line 6:2:30-6:7:35 true \"\\\"baz\\\"\"\n"
   "   before 0:0:0 \"\" false"},
};

} // namespace

TEST_SUITE("gomod::modfile")
{
  // x/mod 0.7.0 modfile/read_test.go, TestParsePunctuation.
  TEST_CASE("punctuation is lexed as separate tokens")
  {
    constexpr struct
    {
      std::string_view desc, src, want;
    } tests[] = {
      {"paren", "require ()", "require ( )"},
      {"brackets", "require []{},", "require [ ] { } ,"},
      {"mix", "require a[b]c{d}e,", "require a [ b ] c { d } e ,"},
      {"block_mix", "require (\n\ta[b]\n)", "require ( a [ b ] )"},
      {"interval", "require [v1.0.0, v1.1.0)", "require [ v1.0.0 , v1.1.0 )"},
    };
    for (const auto& tc : tests) {
      CAPTURE(tc.desc);
      auto f = modfile::parse_syntax("go.mod", tc.src);
      REQUIRE_MESSAGE(f, f.error().message);
      CHECK(all_tokens(*f) == tc.want);
    }
  }

  // x/mod 0.7.0 modfile/read_test.go, TestComments.
  TEST_CASE("comments are attached to nearby syntax")
  {
    constexpr struct
    {
      std::string_view desc, input, want;
    } tests[] = {
      {"comment_only",
       "\n// a\n// b\n",
       "comments before \"// a\"\ncomments before \"// b\""},
      {"line",
       "\n// a\n\n// b\nmodule m // c\n// d\n\n// e\n",
       "comments before \"// a\"\n"
       "line before \"// b\"\n"
       "line suffix \"// c\"\n"
       "comments before \"// d\"\n"
       "comments before \"// e\""},
      {"block",
       "\n"
       "// a\n"
       "\n"
       "// b\n"
       "block ( // c\n"
       "\t// d\n"
       "\n"
       "\t// e\n"
       "\tx // f\n"
       "\t// g\n"
       "\n"
       "\t// h\n"
       ") // i\n"
       "// j\n"
       "\n"
       "// k\n",
       "comments before \"// a\"\n"
       "block before \"// b\"\n"
       "lparen suffix \"// c\"\n"
       "blockline before \"// d\"\n"
       "blockline before \"\"\n"
       "blockline before \"// e\"\n"
       "blockline suffix \"// f\"\n"
       "rparen before \"// g\"\n"
       "rparen before \"\"\n"
       "rparen before \"// h\"\n"
       "rparen suffix \"// i\"\n"
       "comments before \"// j\"\n"
       "comments before \"// k\""},
      {"cr_removed", "// a\r\r\n", "comments before \"// a\\r\""},
      // Ours: `x ( y` is not a block (tokens follow the paren), so the
      // comment after `z )` belongs to that line alone.
      {"suffix_after_inline_paren",
       "x ( y\n\tz ) // c\n",
       "line suffix \"// c\""},
    };
    for (const auto& tc : tests) {
      CAPTURE(tc.desc);
      auto f = modfile::parse_syntax("go.mod", tc.input);
      REQUIRE_MESSAGE(f, f.error().message);
      CHECK(comment_layout(*f) == tc.want);
    }
  }

  // x/mod 0.7.0 modfile/read_test.go, modulePathTests.
  TEST_CASE("module_path")
  {
    constexpr struct
    {
      std::string_view input, expected;
    } tests[] = {
      {"module \"github.com/rsc/vgotest\"", "github.com/rsc/vgotest"},
      {"module github.com/rsc/vgotest", "github.com/rsc/vgotest"},
      {"module  \"github.com/rsc/vgotest\"", "github.com/rsc/vgotest"},
      {"module  github.com/rsc/vgotest", "github.com/rsc/vgotest"},
      {"module `github.com/rsc/vgotest`", "github.com/rsc/vgotest"},
      {"module \"github.com/rsc/vgotest/v2\"", "github.com/rsc/vgotest/v2"},
      {"module github.com/rsc/vgotest/v2", "github.com/rsc/vgotest/v2"},
      {"module \"gopkg.in/yaml.v2\"", "gopkg.in/yaml.v2"},
      {"module gopkg.in/yaml.v2", "gopkg.in/yaml.v2"},
      {"module \"gopkg.in/check.v1\"\n", "gopkg.in/check.v1"},
      {"module \"gopkg.in/check.v1\n\"", ""},
      {"module gopkg.in/check.v1\n", "gopkg.in/check.v1"},
      {"module \"gopkg.in/check.v1\"\r\n", "gopkg.in/check.v1"},
      {"module gopkg.in/check.v1\r\n", "gopkg.in/check.v1"},
      {"module \"gopkg.in/check.v1\"\n\n", "gopkg.in/check.v1"},
      {"module gopkg.in/check.v1\n\n", "gopkg.in/check.v1"},
      {"module \n\"gopkg.in/check.v1\"\n\n", ""},
      {"module \ngopkg.in/check.v1\n\n", ""},
      {"module \"gopkg.in/check.v1\"asd", ""},
      {"module  \nmodule a/b/c ", "a/b/c"},
      {"module \"   \"", "   "},
      {"module   ", ""},
      {"module \"  a/b/c  \"", "  a/b/c  "},
      {"module \"github.com/rsc/vgotest1\" // with a comment",
       "github.com/rsc/vgotest1"},
    };
    for (const auto& tc : tests) {
      CAPTURE(tc.input);
      CHECK(modfile::module_path(tc.input) == tc.expected);
    }
  }

  // x/mod 0.7.0 modfile/read_test.go, TestPrintParse and TestWorkPrintParse:
  // every golden file parses at the syntax level.
  TEST_CASE("x/mod testdata parses")
  {
    const std::filesystem::path dir =
      std::filesystem::path(GPX_XMOD_DIR) / "modfile/testdata";
    int count = 0;
    for (const auto& sub : {dir, dir / "work"}) {
      for (const auto& entry : std::filesystem::directory_iterator(sub)) {
        const auto ext = entry.path().extension();
        if (ext != ".in" && ext != ".golden") {
          continue;
        }
        CAPTURE(entry.path().string());
        auto f = modfile::parse_syntax(entry.path().string(),
                                       gpx::test::read_file(entry.path()));
        CHECK_MESSAGE(f, f.error().message);
        ++count;
      }
    }
    CHECK(count >= 26);
  }

  TEST_CASE("syntax trees agree with Go 1.26")
  {
    for (const auto& tc : k_syntax_go126) {
      CAPTURE(tc.name);
      CHECK(run_dump(tc.in) == tc.want);
    }
    const std::filesystem::path dir =
      std::filesystem::path(GPX_XMOD_DIR) / "modfile/testdata";
    for (const auto& tc : k_testdata_go126) {
      CAPTURE(tc.name);
      const std::string data = gpx::test::read_file(dir / tc.name);
      REQUIRE(data == tc.in);
      CHECK(run_dump(data) == tc.want);
    }
  }

  TEST_CASE("block.in structure")
  {
    const auto path =
      std::filesystem::path(GPX_XMOD_DIR) / "modfile/testdata/block.in";
    auto f = modfile::parse_syntax("block.in", gpx::test::read_file(path));
    REQUIRE(f);
    // // comment / x "y" z / block (…) / block1() / block2 (x y z) / block3 "w"
    // ( ) / block4 … / block5 … / // eof
    REQUIRE(f->stmt.size() == 8);
    const auto& x = std::get<modfile::Line>(f->stmt[0]);
    CHECK(x.token == std::vector<std::string>{"x", "\"y\"", "z"});
    REQUIRE(x.comments.before.size() == 1);
    CHECK(x.comments.before[0].token == "// comment");

    const auto& block = std::get<modfile::LineBlock>(f->stmt[1]);
    CHECK(block.token == std::vector<std::string>{"block"});
    REQUIRE(block.line.size() == 9);
    CHECK(block.line[0].token == std::vector<std::string>{"\"x\"", "(", "y"});
    CHECK(block.line[1].token == std::vector<std::string>{"\"x\"", ")", "y"});
    CHECK(block.line[0].in_block);
    CHECK(block.line[0].start == modfile::Position{8, 2, 71});
    REQUIRE(block.lparen.comments.suffix.size() == 1);
    CHECK(block.lparen.comments.suffix[0].token == "// block-eol");
    CHECK(block.rparen.comments.suffix.at(0).token == "// block-eol2");

    // `block1()` ends its line with `( )`: an empty block.
    const auto& block1 = std::get<modfile::LineBlock>(f->stmt[2]);
    CHECK(block1.token == std::vector<std::string>{"block1"});
    CHECK(block1.line.empty());
    const auto& block2 = std::get<modfile::Line>(f->stmt[3]);
    CHECK(block2.token
          == std::vector<std::string>{"block2", "(", "x", "y", "z", ")"});
    const auto& block3 = std::get<modfile::LineBlock>(f->stmt[4]);
    CHECK(block3.token == std::vector<std::string>{"block3", "\"w\""});
    CHECK(block3.line.empty());
    // All on one line, so the whole block takes the comment.
    CHECK(block3.comments.suffix.at(0).token == "// empty block");
    const auto& block4 = std::get<modfile::Line>(f->stmt[5]);
    CHECK(block4.token
          == std::vector<std::string>{"block4", "\"x\"", "(", ")", "\"y\""});
    const auto& block5 = std::get<modfile::Line>(f->stmt[6]);
    CHECK(block5.token == std::vector<std::string>{"block5", "(", "\"z\""});
    CHECK(std::holds_alternative<modfile::CommentBlock>(f->stmt[7]));
  }

  TEST_CASE("positions count runes")
  {
    auto f = modfile::parse_syntax("go.mod", "ab\n  ëx \"ü\" // c\n");
    REQUIRE(f);
    REQUIRE(f->stmt.size() == 2);
    const auto& line = std::get<modfile::Line>(f->stmt[1]);
    CHECK(line.start == modfile::Position{2, 3, 5});
    CHECK(line.end == modfile::Position{2, 9, 13});
    REQUIRE(line.comments.suffix.size() == 1);
    CHECK(line.comments.suffix[0].start == modfile::Position{2, 10, 14});
    CHECK(line.comments.suffix[0].suffix);
  }

  // Our cases; positions and wording checked against Go 1.26's modfile.
  TEST_CASE("syntax errors")
  {
    constexpr struct
    {
      std::string_view in, want;
    } tests[] = {
      {"require (\n"
       "\tx v1.0.0\n"
       ") foo\n",
       "go.mod:3:6: syntax error (expected newline after closing paren)"},
      {"module m\n"
       "require (",
       "go.mod:2:10: syntax error (unterminated block started at go.mod:2:1)"},
      {"module m\n"
       "require (\n",
       "go.mod:3: syntax error (unterminated block started at go.mod:2:1)"},
      {"module m\n/* no */",
       "go.mod:2: mod files must use // comments (not /* */ comments)"},
      {"rëq x /* y */",
       "go.mod:1:7: mod files must use // comments (not /* */ comments)"},
      {"x \x01", "go.mod:1:3: unexpected input character '\\x01'"},
      {"x\xc2\xa0y", "go.mod:1:2: unexpected input character '\\u00a0'"},
      {"x \v", "go.mod:1:3: unexpected input character '\\v'"},
      {"x \"abc", "go.mod:1:3: unexpected EOF in string"},
      {"x \"abc\\", "go.mod:1:3: unexpected EOF in string"},
      {"x `abc", "go.mod:1:3: unexpected EOF in string"},
      {"x \"abc\n\"", "go.mod:1:7: unexpected newline in string"},
    };
    for (const auto& tc : tests) {
      CAPTURE(tc.in);
      CHECK(syntax_error(tc.in) == tc.want);
    }
    // An escaped newline stays inside the string, as in Go.
    CHECK(syntax_error("x \"a\\\nb\"") == "");
    // Invalid UTF-8 reads as U+FFFD, which is an identifier character.
    CHECK(syntax_error("x \xff") == "");
  }
}
