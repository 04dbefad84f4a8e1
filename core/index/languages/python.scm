; Python: classes, functions (methods when nested in a class), calls, bases, imports.

(class_definition name: (identifier) @name) @definition.class
(function_definition name: (identifier) @name) @definition.function

(call function: (identifier) @call.name)
(call function: (attribute object: (_) attribute: (identifier) @call.name))

(class_definition superclasses: (argument_list [(identifier) @inherit.name
                                                (attribute attribute: (identifier) @inherit.name)]))

(import_statement name: (dotted_name) @import.source)
(import_statement name: (aliased_import name: (dotted_name) @import.source alias: (identifier) @import.name))
; `from m import n [as l]`: @import.member n makes it an import of m.n (the submodule, else m).
(import_from_statement module_name: (_) @import.source name: (dotted_name . (identifier) @import.name .) @import.member)
(import_from_statement module_name: (_) @import.source
  name: (aliased_import name: (dotted_name) @import.member alias: (identifier) @import.name))
(import_from_statement module_name: (_) @import.source (wildcard_import))

; Docstrings: a bare string first in a module, class or function (comments are added from the
; table). A string opening an `if`, `for`, `while`, `with` or `try` block is code, as in `ast`.
(module . (string) @skip)
(function_definition body: (block . (string) @skip))
(class_definition body: (block . (string) @skip))

; `(x) = 1`, `for (x) in y`: tree-sitter reads a lone target in parentheses as a tuple; without a
; comma it is grouping only, hashed as its content.
(tuple_pattern . (_) .) @group
