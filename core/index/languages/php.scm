; PHP: classes, interfaces, traits, enums, methods, functions; function, method, static and
; `new` calls; extends/implements and trait `use`; namespace `use` and require/include.
; Namespaces are not symbols.

(class_declaration name: (name) @name) @definition.class
(interface_declaration name: (name) @name) @definition.interface
(trait_declaration name: (name) @name) @definition.trait
(enum_declaration name: (name) @name) @definition.enum
(method_declaration name: (name) @name) @definition.method
(function_definition name: (name) @name) @definition.function

(function_call_expression function: [(name) @call.name (qualified_name (name) @call.name .)])
(member_call_expression name: (name) @call.name)
(nullsafe_member_call_expression name: (name) @call.name)
(scoped_call_expression name: (name) @call.name)
(object_creation_expression [(name) @call.name (qualified_name (name) @call.name .)])

(base_clause [(name) @inherit.name (qualified_name (name) @inherit.name .)])
(class_interface_clause [(name) @inherit.name (qualified_name (name) @inherit.name .)])
(use_declaration [(name) @inherit.name (qualified_name (name) @inherit.name .)])

; `use A\B;` binds B, `use A\B as C;` binds C. A group `use A\{B, C as D};` can only name
; its prefix A as the source (a capture is one node), binding B and D.
(namespace_use_declaration (namespace_use_clause (name) @import.source @import.name !alias))
(namespace_use_declaration (namespace_use_clause (name) @import.source alias: (name) @import.name))
(namespace_use_clause (qualified_name (name) @import.name .) @import.source !alias)
(namespace_use_clause (qualified_name) @import.source alias: (name) @import.name)
(namespace_use_declaration (namespace_name) @import.source
  body: (namespace_use_group (namespace_use_clause (name) @import.name !alias)))
(namespace_use_declaration (namespace_name) @import.source
  body: (namespace_use_group (namespace_use_clause alias: (name) @import.name)))

; require/include 'x.php', ("x.php"), __DIR__ . '/x.php': a path read beside the file.
((require_expression [(string) @import.source (encapsed_string) @import.source
                      (parenthesized_expression [(string) (encapsed_string)] @import.source)
                      (binary_expression left: (name) @_dir right: [(string) (encapsed_string)] @import.source)])
 (#eq? @_dir "__DIR__"))
((require_once_expression [(string) @import.source (encapsed_string) @import.source
                           (parenthesized_expression [(string) (encapsed_string)] @import.source)
                           (binary_expression left: (name) @_dir right: [(string) (encapsed_string)] @import.source)])
 (#eq? @_dir "__DIR__"))
((include_expression [(string) @import.source (encapsed_string) @import.source
                      (parenthesized_expression [(string) (encapsed_string)] @import.source)
                      (binary_expression left: (name) @_dir right: [(string) (encapsed_string)] @import.source)])
 (#eq? @_dir "__DIR__"))
((include_once_expression [(string) @import.source (encapsed_string) @import.source
                           (parenthesized_expression [(string) (encapsed_string)] @import.source)
                           (binary_expression left: (name) @_dir right: [(string) (encapsed_string)] @import.source)])
 (#eq? @_dir "__DIR__"))
