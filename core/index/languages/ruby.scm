; Ruby: classes, modules, methods (`def` at top level is a function), singleton methods;
; calls (`X.new` is a call to X); superclasses and include/extend/prepend; require.
; `class A::B` names B with the qualifier A (dotted A.B).

(class name: (constant) @name) @definition.class
(class name: (scope_resolution scope: (_) @scope name: (constant) @name)) @definition.class
(module name: (constant) @name) @definition.module
(module name: (scope_resolution scope: (_) @scope name: (constant) @name)) @definition.module
(method name: (_) @name) @definition.function
(singleton_method name: (_) @name) @definition.method

; A bare `m` without arguments or parentheses parses as an identifier, not a call.
; (py-tree-sitter ignores #not-any-of?, hence the regex.)
((call method: [(identifier) (constant)] @call.name)
 (#not-match? @call.name "^(new|require|require_relative|load|include|extend|prepend)$"))
((call receiver: [(constant) @call.name (scope_resolution name: (constant) @call.name)]
       method: (identifier) @_new)
 (#eq? @_new "new"))

(superclass [(constant) @inherit.name (scope_resolution name: (constant) @inherit.name)])
((call method: (identifier) @_mixin
       arguments: (argument_list [(constant) @inherit.name (scope_resolution name: (constant) @inherit.name)]))
 (#any-of? @_mixin "include" "extend" "prepend"))

((call method: (identifier) @_require arguments: (argument_list . (string . (string_content) .) @import.source))
 (#any-of? @_require "require" "require_relative" "load"))
