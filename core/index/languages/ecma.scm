; Shared by javascript.scm and typescript.scm (their grammars agree here): calls, constructor
; calls, ES and CommonJS imports, template literals.

(call_expression function: (identifier) @call.name (#not-eq? @call.name "require"))
(call_expression function: (member_expression property: [(property_identifier) (private_property_identifier)] @call.name))
(new_expression constructor: (identifier) @call.name)
(new_expression constructor: (member_expression property: (property_identifier) @call.name))

(import_statement source: (string) @import.source)
(import_statement (import_clause (identifier) @import.name) source: (string) @import.source)
(import_statement (import_clause (namespace_import (identifier) @import.name)) source: (string) @import.source)
(import_statement (import_clause (named_imports (import_specifier name: (_) @import.name !alias)))
  source: (string) @import.source)
(import_statement (import_clause (named_imports (import_specifier alias: (identifier) @import.name)))
  source: (string) @import.source)
; Re-exports depend on their module but bind nothing here.
(export_statement source: (string) @import.source)
(call_expression function: (import) arguments: (arguments . (string) @import.source))
(call_expression function: (identifier) @_require arguments: (arguments . (string) @import.source .)
  (#eq? @_require "require"))
(variable_declarator
  name: [(identifier) @import.name
         (object_pattern [(shorthand_property_identifier_pattern) @import.name
                          (pair_pattern value: (identifier) @import.name)])]
  value: (call_expression function: (identifier) @_require arguments: (arguments . (string) @import.source .))
  (#eq? @_require "require"))

; Template literals keep the whitespace of their text, not of their ${} expressions.
(template_string (string_fragment) @string)

; An object key is its name, quoted or not (`{ 'a': 1, '0': 2 }` / `{ a: 1, 0: 2 }`, as prettier
; prints them): where a quoted key is a name or an integer, its quotes are no code (the structure
; reads `key: (string)` and `key: (number)` as `key: (property_identifier)`).
(pair key: (string ["\"" "'"] @skip (string_fragment) @_key ["\"" "'"] @skip)
  (#match? @_key "^([A-Za-z_$][A-Za-z0-9_$]*|0|[1-9][0-9]*)$"))

; `new Foo` is `new Foo()`, as prettier prints it: empty arguments of a `new` are no code.
((new_expression arguments: (arguments) @group) (#match? @group "^[(][ \t\r\n]*[)]$"))
