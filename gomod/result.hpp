#pragma once

// Result<T>: the value of an operation that can fail in an expected way (I/O,
// network, parsing, validation). g++ 12 only has <expected> under C++23 and
// without and_then/transform, so we carry our own with std::expected's member
// names; switching later is a type alias.

#include <cassert>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>

namespace gpx {

struct Error
{
  enum class Code { not_found, invalid, io, upstream, internal };
  Code code = Code::internal;
  std::string message;

  // Chains context in front, like x/mod's ModuleError:
  // "rsc.io/quote@v1.5.2: zip: go.mod file too large".
  Error
  wrap(std::string_view context) const
  {
    return Error{code, std::string(context) + ": " + message};
  }

  // One constructor per code: `return Error::invalid(format(…));`.
  static Error
  not_found(std::string message)
  {
    return Error{Code::not_found, std::move(message)};
  }
  static Error
  invalid(std::string message)
  {
    return Error{Code::invalid, std::move(message)};
  }
  static Error
  io(std::string message)
  {
    return Error{Code::io, std::move(message)};
  }
  static Error
  upstream(std::string message)
  {
    return Error{Code::upstream, std::move(message)};
  }
  static Error
  internal(std::string message)
  {
    return Error{Code::internal, std::move(message)};
  }
};

inline Error
make_error(Error::Code code, std::string message)
{
  return Error{code, std::move(message)};
}

template<typename T> class [[nodiscard]] Result
{
public:
  using value_type = T;

  Result(const T& v)
    : m_v(std::in_place_index<0>, v)
  {
  }
  Result(T&& v)
    : m_v(std::in_place_index<0>, std::move(v))
  {
  }
  template<typename U>
  requires(
    std::is_constructible_v<
      T,
      U&&> && !std::is_same_v<std::decay_t<U>, T> && !std::is_same_v<std::decay_t<U>, Error> && !std::is_same_v<std::decay_t<U>, Result>)
    Result(U&& v)
    : m_v(std::in_place_index<0>, T(std::forward<U>(v)))
  {
  }
  Result(Error e)
    : m_v(std::in_place_index<1>, std::move(e))
  {
  }

  bool
  has_value() const noexcept
  {
    return m_v.index() == 0;
  }
  explicit operator bool() const noexcept
  {
    return has_value();
  }

  T&
  value() &
  {
    assert(has_value());
    return std::get<0>(m_v);
  }
  const T&
  value() const&
  {
    assert(has_value());
    return std::get<0>(m_v);
  }
  T&&
  value() &&
  {
    assert(has_value());
    return std::get<0>(std::move(m_v));
  }
  T&
  operator*() &
  {
    return value();
  }
  const T&
  operator*() const&
  {
    return value();
  }
  T&&
  operator*() &&
  {
    return std::move(*this).value();
  }
  T*
  operator->()
  {
    return &value();
  }
  const T*
  operator->() const
  {
    return &value();
  }

  const Error&
  error() const
  {
    assert(!has_value());
    return std::get<1>(m_v);
  }

  template<typename U>
  T
  value_or(U&& fallback) const&
  {
    return has_value() ? value() : T(std::forward<U>(fallback));
  }

private:
  std::variant<T, Error> m_v;
};

template<> class [[nodiscard]] Result<void>
{
public:
  using value_type = void;

  Result() = default;
  Result(Error e)
    : m_error(std::move(e)),
      m_ok(false)
  {
  }

  bool
  has_value() const noexcept
  {
    return m_ok;
  }
  explicit operator bool() const noexcept
  {
    return m_ok;
  }
  void
  value() const
  {
    assert(m_ok);
  }
  const Error&
  error() const
  {
    assert(!m_ok);
    return m_error;
  }

private:
  Error m_error;
  bool m_ok = true;
};

using Status = Result<void>;

} // namespace gpx

// Propagates the error of an expression whose value is not needed.
#define GPX_TRY(e_)                                                            \
  do {                                                                         \
    if (auto r_ = (e_); !r_) {                                                 \
      return r_.error();                                                       \
    }                                                                          \
  } while (false)
