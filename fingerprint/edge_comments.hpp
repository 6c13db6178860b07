#pragma once
// Comments before or after a statement (sqlcommenter's /*traceparent=...*/,
// ORM markers) say where a statement came from, not what it is. They are
// cut from the normalized text so one statement shape reads the same in
// every request; comments inside the statement stay.

#include <string>
#include <string_view>

namespace pgsleuth::fingerprint {

std::string_view trim_edge_comments(std::string_view text);

inline void trim_edge_comments_in_place(std::string& text) {
  std::string_view t = trim_edge_comments(text);
  if (t.size() != text.size()) text = std::string(t);
}

}  // namespace pgsleuth::fingerprint
