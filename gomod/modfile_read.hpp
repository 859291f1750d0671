#pragma once

// The syntax layer shared by go.mod and go.work (x/mod modfile/read.go): a
// lexer and a parser that turn the file into lines of tokens, `verb (`…`)`
// blocks and comments, without knowing what any verb means. modfile.hpp and
// workfile.hpp give the verbs their meaning.

#include <gomod/result.hpp>

#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace gpx::gomod::modfile {

// A place in the input. line and line_rune start at 1 (line_rune counts
// runes, not bytes, as Go's errors do); byte starts at 0. A default
// Position (line 0) means "nowhere", e.g. an empty file's span.
struct Position
{
  int line = 0;
  int line_rune = 0;
  int byte = 0;

  bool operator==(const Position&) const = default;
};

// One `//` comment; token keeps the slashes but not the newline.
// suffix: it ends a line that has other tokens (rather than standing alone).
struct Comment
{
  Position start;
  std::string token;
  bool suffix = false;

  bool operator==(const Comment&) const = default;
};

// The comments attached to a piece of syntax. A blank line inside a block
// is kept as a Comment with an empty token, so a future printer can keep it.
struct Comments
{
  std::vector<Comment> before; // whole-line comments above
  std::vector<Comment> suffix; // end-of-line comments
  std::vector<Comment> after;  // whole-line comments below (file level only)
};

// A run of whole-line comments not attached to any statement (separated from
// the next statement by a blank line).
struct CommentBlock
{
  Comments comments;
  Position start;
};

// One line of tokens: `require x v1.2.3`, or `x v1.2.3` inside a block
// (in_block, and the verb is then the block's). Quoted tokens keep their
// quotes; end is the end of the last token.
struct Line
{
  Comments comments;
  Position start;
  std::vector<std::string> token;
  bool in_block = false;
  Position end;
};

// The parentheses of a block: places to hang the comment after `(` and the
// comments before `)`.
struct Paren
{
  Comments comments;
  Position pos;
};

// `verb (` … `)`: token holds the tokens before the `(`, normally just the
// verb.
struct LineBlock
{
  Comments comments;
  Position start;
  Paren lparen;
  std::vector<std::string> token;
  std::vector<Line> line;
  Paren rparen;
};

using Stmt = std::variant<CommentBlock, Line, LineBlock>;

// A whole go.mod or go.work file: name is the file name used in errors.
struct FileSyntax
{
  std::string name;
  Comments comments;
  std::vector<Stmt> stmt;
};

// One error in Go's layout: "go.mod:3: require x: version ... invalid: ...".
// The column is printed only when it is past the first rune (lexer errors).
// verb and mod_path, when set, are printed between the position and err.
struct ParseError
{
  std::string filename;
  Position pos;
  std::string verb;
  std::string mod_path;
  std::string err;

  std::string str() const;
};

// Joins errors one per line (Go's ErrorList) into an Error::Code::invalid.
Error to_error(const std::vector<ParseError>& errors);

// Lexes and parses data. Only the first syntax error is reported, as Go's
// parser stops at it. file names the input in positions and errors.
Result<FileSyntax> parse_syntax(std::string_view file, std::string_view data);

// The module path of a go.mod file, found by a line scan that tolerates
// everything else in the file being broken; "" if there is none
// (modfile.ModulePath). Used where only the path matters, e.g. to check a
// fetched go.mod belongs to the module that was asked for.
std::string module_path(std::string_view mod);

} // namespace gpx::gomod::modfile
