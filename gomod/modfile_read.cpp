#include "modfile_read.hpp"

#include <gomod/format.hpp>
#include <gomod/strconv.hpp>

#include <algorithm>
#include <optional>
#include <variant>

namespace gpx::gomod::modfile {

std::string
ParseError::str() const
{
  std::string out;
  if (pos.line_rune > 1) {
    out = format("{}:{}:{}: ", filename, pos.line, pos.line_rune);
  } else if (pos.line > 0) {
    out = format("{}:{}: ", filename, pos.line);
  } else if (!filename.empty()) {
    out = filename + ": ";
  }
  if (!mod_path.empty()) {
    out += format("{} {}: ", verb, mod_path);
  } else if (!verb.empty()) {
    out += verb + ": ";
  }
  return out + err;
}

Error
to_error(const std::vector<ParseError>& errors)
{
  std::string message;
  for (const auto& e : errors) {
    if (!message.empty()) {
      message += '\n';
    }
    message += e.str();
  }
  return Error::invalid(std::move(message));
}

namespace {

// Token kinds: punctuation and newline are their own character codes.
enum TokenKind : int {
  k_eof = -1,
  k_eol_comment = -2,
  k_ident = -3,
  k_string = -4,
  k_comment = -5,
};

bool
is_comment_kind(int kind)
{
  return kind == k_comment || kind == k_eol_comment;
}

// Whether a token ends a line: a suffix comment swallows its newline.
bool
is_eol_kind(int kind)
{
  return kind == k_eof || kind == k_eol_comment || kind == '\n';
}

bool
is_ident_rune(char32_t r)
{
  switch (r) {
  case ' ':
  case '(':
  case ')':
  case '[':
  case ']':
  case '{':
  case '}':
  case ',':
    return false;
  default:
    return !strconv::is_space(r) && strconv::is_print(r);
  }
}

Position
add_text(Position p, std::string_view s)
{
  p.byte += static_cast<int>(s.size());
  if (const auto nl = s.rfind('\n'); nl != std::string_view::npos) {
    p.line += static_cast<int>(std::count(s.begin(), s.end(), '\n'));
    s = s.substr(nl + 1);
    p.line_rune = 1;
  }
  while (!s.empty()) {
    s.remove_prefix(strconv::decode_rune(s).size);
    ++p.line_rune;
  }
  return p;
}

struct Token
{
  int kind = k_eof;
  Position pos;
  Position end_pos;
  std::string text;
};

// Lexer and recursive-descent parser with one token of lookahead, shaped like
// Go's so that errors land on the same positions. Go aborts with a panic at
// the first error; here the first error is recorded, the lexer then yields
// only EOF, and every parse loop returns when it sees m_failed.
class Input
{
public:
  Input(std::string_view filename, std::string_view data)
    : m_filename(filename),
      m_data(data)
  {
    m_pos = Position{1, 1, 0};
  }

  Result<FileSyntax>
  parse()
  {
    read_token();
    parse_file();
    if (m_failed) {
      return to_error({m_error});
    }
    m_file.name = m_filename;
    assign_comments();
    return std::move(m_file);
  }

private:
  std::string m_filename;
  std::string_view m_data;
  std::size_t m_offset = 0;
  std::size_t m_token_start = 0;
  Token m_token;
  Position m_pos;
  std::vector<Comment> m_comments; // suffix comments, placed after parsing
  FileSyntax m_file;
  bool m_failed = false;
  ParseError m_error;

  void
  error(std::string message)
  {
    if (m_failed) {
      return;
    }
    m_failed = true;
    m_error = ParseError{m_filename, m_pos, "", "", std::move(message)};
  }

  bool
  eof() const
  {
    return m_offset >= m_data.size();
  }

  char32_t
  peek_rune() const
  {
    if (eof()) {
      return 0;
    }
    return strconv::decode_rune(m_data.substr(m_offset)).r;
  }

  bool
  peek_prefix(std::string_view prefix) const
  {
    return m_data.substr(m_offset).starts_with(prefix);
  }

  char32_t
  read_rune()
  {
    const auto [r, n] = strconv::decode_rune(m_data.substr(m_offset));
    m_offset += n;
    if (r == '\n') {
      ++m_pos.line;
      m_pos.line_rune = 1;
    } else {
      ++m_pos.line_rune;
    }
    m_pos.byte += static_cast<int>(n);
    return r;
  }

  void
  start_token()
  {
    m_token_start = m_offset;
    m_token.text.clear();
    m_token.pos = m_pos;
  }

  // Comment tokens lose one trailing LF or CRLF.
  void
  end_token(int kind)
  {
    m_token.kind = kind;
    std::string_view text =
      m_data.substr(m_token_start, m_offset - m_token_start);
    if (is_comment_kind(kind)) {
      if (text.ends_with("\r\n")) {
        text.remove_suffix(2);
      } else if (text.ends_with('\n')) {
        text.remove_suffix(1);
      }
    }
    m_token.text = std::string(text);
    m_token.end_pos = m_pos;
  }

  int
  peek() const
  {
    return m_token.kind;
  }

  Token
  lex()
  {
    Token tok = m_token;
    read_token();
    return tok;
  }

  void
  read_token()
  {
    if (m_failed) {
      m_token = Token{k_eof, m_pos, m_pos, ""};
      return;
    }
    while (!eof()) {
      const char32_t c = peek_rune();
      if (c == ' ' || c == '\t' || c == '\r') {
        read_rune();
        continue;
      }
      if (peek_prefix("//")) {
        start_token();
        // A comment alone on its line is a statement-level token the grammar
        // handles; one after other tokens is kept aside and attached to the
        // syntax before it once parsing is done.
        const std::size_t here = static_cast<std::size_t>(m_pos.byte);
        const std::size_t nl = m_data.substr(0, here).rfind('\n');
        const std::size_t line_start =
          nl == std::string_view::npos ? 0 : nl + 1;
        const bool suffix =
          !strconv::trim_space(m_data.substr(line_start, here - line_start))
             .empty();
        read_rune();
        read_rune();
        while (!eof() && read_rune() != '\n') {
        }
        if (!suffix) {
          end_token(k_comment);
          return;
        }
        end_token(k_eol_comment);
        m_comments.push_back(Comment{m_token.pos, m_token.text, true});
        return;
      }
      if (peek_prefix("/*")) {
        return fail("mod files must use // comments (not /* */ comments)");
      }
      break;
    }

    start_token();
    if (eof()) {
      end_token(k_eof);
      return;
    }

    const char32_t c = peek_rune();
    switch (c) {
    case '\n':
    case '(':
    case ')':
    case '[':
    case ']':
    case '{':
    case '}':
    case ',':
      read_rune();
      end_token(static_cast<int>(c));
      return;
    case '"':
    case '`': {
      const char32_t q = c;
      read_rune();
      for (;;) {
        if (eof()) {
          m_pos = m_token.pos;
          return fail("unexpected EOF in string");
        }
        if (peek_rune() == '\n') {
          return fail("unexpected newline in string");
        }
        const char32_t r = read_rune();
        if (r == q) {
          break;
        }
        if (r == '\\' && q != '`') {
          if (eof()) {
            m_pos = m_token.pos;
            return fail("unexpected EOF in string");
          }
          read_rune();
        }
      }
      end_token(k_string);
      return;
    }
    default:
      break;
    }

    if (!is_ident_rune(c)) {
      return fail(
        format("unexpected input character {}", strconv::quote_rune(c)));
    }
    while (is_ident_rune(peek_rune())) {
      if (peek_prefix("//")) {
        break;
      }
      if (peek_prefix("/*")) {
        return fail("mod files must use // comments (not /* */ comments)");
      }
      read_rune();
    }
    end_token(k_ident);
  }

  void
  fail(std::string message)
  {
    error(std::move(message));
    m_token = Token{k_eof, m_pos, m_pos, ""};
  }

  void
  parse_file()
  {
    std::optional<CommentBlock> cb;
    for (;;) {
      if (m_failed) {
        return;
      }
      switch (peek()) {
      case '\n':
        lex();
        if (cb) {
          m_file.stmt.emplace_back(std::move(*cb));
          cb.reset();
        }
        break;
      case k_comment: {
        Token tok = lex();
        if (!cb) {
          cb = CommentBlock{{}, tok.pos};
        }
        cb->comments.before.push_back(
          Comment{tok.pos, std::move(tok.text), false});
        break;
      }
      case k_eof:
        if (cb) {
          m_file.stmt.emplace_back(std::move(*cb));
        }
        return;
      default:
        parse_stmt();
        if (cb && !m_file.stmt.empty()) {
          std::visit(
            [&](auto& s) {
              s.comments.before = std::move(cb->comments.before);
            },
            m_file.stmt.back());
          cb.reset();
        }
        break;
      }
    }
  }

  void
  parse_stmt()
  {
    Token first = lex();
    const Position start = first.pos;
    Position end = first.end_pos;
    std::vector<std::string> tokens{std::move(first.text)};
    for (;;) {
      Token tok = lex();
      if (is_eol_kind(tok.kind)) {
        Line line;
        line.start = start;
        line.token = std::move(tokens);
        line.end = end;
        m_file.stmt.emplace_back(std::move(line));
        return;
      }
      if (tok.kind == '(') {
        if (is_eol_kind(peek())) {
          // `verb (` ends its line: a block.
          m_file.stmt.emplace_back(
            parse_line_block(start, std::move(tokens), tok));
          return;
        }
        if (peek() == ')') {
          Token rparen = lex();
          if (is_eol_kind(peek())) {
            // `verb ( )`: an empty block.
            lex();
            LineBlock block;
            block.start = start;
            block.token = std::move(tokens);
            block.lparen.pos = tok.pos;
            block.rparen.pos = rparen.pos;
            m_file.stmt.emplace_back(std::move(block));
            return;
          }
          // `( )` in the middle of a line is just two tokens.
          tokens.push_back(std::move(tok.text));
          tokens.push_back(std::move(rparen.text));
        } else {
          // So is a `(` followed by more tokens. Go leaves end where it
          // was here; so do we.
          tokens.push_back(std::move(tok.text));
        }
        continue;
      }
      tokens.push_back(std::move(tok.text));
      end = tok.end_pos;
    }
  }

  LineBlock
  parse_line_block(Position start,
                   std::vector<std::string> tokens,
                   const Token& lparen)
  {
    LineBlock block;
    block.start = start;
    block.token = std::move(tokens);
    block.lparen.pos = lparen.pos;
    std::vector<Comment> comments;
    for (;;) {
      if (m_failed) {
        return block;
      }
      switch (peek()) {
      case k_eol_comment:
        lex(); // already queued in m_comments
        break;
      case '\n':
        lex();
        // Remember one blank line between lines, none at the block start.
        if ((comments.empty() && !block.line.empty())
            || (!comments.empty() && !comments.back().token.empty())) {
          comments.push_back(Comment{});
        }
        break;
      case k_comment: {
        Token tok = lex();
        comments.push_back(Comment{tok.pos, std::move(tok.text), false});
        break;
      }
      case k_eof:
        error(format("syntax error (unterminated block started at {}:{}:{})",
                     m_filename,
                     block.start.line,
                     block.start.line_rune));
        return block;
      case ')': {
        Token rparen = lex();
        // A lone blank line before `)` is not worth keeping.
        if (comments.size() == 1 && comments[0] == Comment{}) {
          comments.clear();
        }
        block.rparen.comments.before = std::move(comments);
        block.rparen.pos = rparen.pos;
        if (!is_eol_kind(peek())) {
          error("syntax error (expected newline after closing paren)");
          return block;
        }
        lex();
        return block;
      }
      default: {
        Line line = parse_line();
        line.comments.before = std::move(comments);
        comments.clear();
        block.line.push_back(std::move(line));
        break;
      }
      }
    }
  }

  Line
  parse_line()
  {
    Token first = lex();
    Line line;
    line.in_block = true;
    line.start = first.pos;
    line.end = first.end_pos;
    line.token.push_back(std::move(first.text));
    for (;;) {
      Token tok = lex();
      if (is_eol_kind(tok.kind)) {
        return line;
      }
      line.token.push_back(std::move(tok.text));
      line.end = tok.end_pos;
    }
  }

  struct Node
  {
    Position start;
    Position end;
    Comments* comments;
  };

  // Each suffix comment goes to the last-ending single-line syntax that ends
  // before it. Go also has a pass placing whole-line comments, but the lexer
  // only ever queues suffix comments (whole-line ones are attached by the
  // grammar), so that pass has nothing to do and is left out.
  void
  assign_comments()
  {
    std::vector<Node> post;
    for (auto& stmt : m_file.stmt) {
      if (auto* cb = std::get_if<CommentBlock>(&stmt)) {
        post.push_back({cb->start, cb->start, &cb->comments});
      } else if (auto* line = std::get_if<Line>(&stmt)) {
        post.push_back({line->start, line->end, &line->comments});
      } else {
        auto& block = std::get<LineBlock>(stmt);
        post.push_back({block.lparen.pos,
                        add_text(block.lparen.pos, ")"),
                        &block.lparen.comments});
        for (auto& l : block.line) {
          post.push_back({l.start, l.end, &l.comments});
        }
        const Position rend = add_text(block.rparen.pos, ")");
        post.push_back({block.rparen.pos, rend, &block.rparen.comments});
        post.push_back({block.start, rend, &block.comments});
      }
    }

    std::vector<Comment> suffix = std::move(m_comments);
    for (auto it = post.rbegin(); it != post.rend(); ++it) {
      // Nothing spanning lines gets a suffix comment: in `x ( y` / `z ) //c`
      // the comment belongs to z.
      if (it->start.line != it->end.line) {
        continue;
      }
      while (!suffix.empty() && it->end.byte <= suffix.back().start.byte) {
        it->comments->suffix.push_back(std::move(suffix.back()));
        suffix.pop_back();
      }
    }
    for (auto& node : post) {
      std::reverse(node.comments->suffix.begin(), node.comments->suffix.end());
    }
    for (auto& c : suffix) {
      m_file.comments.before.push_back(std::move(c));
    }
  }
};

} // namespace

Result<FileSyntax>
parse_syntax(std::string_view file, std::string_view data)
{
  Input in(file, data);
  return in.parse();
}

std::string
module_path(std::string_view mod)
{
  constexpr std::string_view k_module = "module";
  while (!mod.empty()) {
    std::string_view line = mod;
    mod = {};
    if (const auto nl = line.find('\n'); nl != std::string_view::npos) {
      mod = line.substr(nl + 1);
      line = line.substr(0, nl);
    }
    if (const auto slash = line.find("//"); slash != std::string_view::npos) {
      line = line.substr(0, slash);
    }
    line = strconv::trim_space(line);
    if (!line.starts_with(k_module)) {
      continue;
    }
    line.remove_prefix(k_module.size());
    const std::size_t n = line.size();
    line = strconv::trim_space(line);
    // "modulex" is not the module verb, and "module" alone names nothing.
    if (line.size() == n || line.empty()) {
      continue;
    }
    if (line.front() == '"' || line.front() == '`') {
      std::string out;
      if (!strconv::unquote(line, out)) {
        return "";
      }
      return out;
    }
    return std::string(line);
  }
  return "";
}

} // namespace gpx::gomod::modfile
