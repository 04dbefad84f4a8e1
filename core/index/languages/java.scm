; Java: classes, records, interfaces, enums; methods and constructors (both kind method);
; calls and `new T()`; superclasses and interfaces; imports. Packages are not symbols.

(class_declaration name: (identifier) @name) @definition.class
(record_declaration name: (identifier) @name) @definition.class
(interface_declaration name: (identifier) @name) @definition.interface
(annotation_type_declaration name: (identifier) @name) @definition.interface
(enum_declaration name: (identifier) @name) @definition.enum
(method_declaration name: (identifier) @name) @definition.method
(constructor_declaration name: (identifier) @name) @definition.method
(compact_constructor_declaration name: (identifier) @name) @definition.method

(method_invocation name: (identifier) @call.name)
(object_creation_expression type: [(type_identifier) @call.name
                                   (scoped_type_identifier (type_identifier) @call.name .)
                                   (generic_type [(type_identifier) @call.name
                                                  (scoped_type_identifier (type_identifier) @call.name .)])])

; A type's last simple name: Base, a.b.Base, Base<T>, a.b.Base<T>.
(superclass [(type_identifier) @inherit.name
             (scoped_type_identifier (type_identifier) @inherit.name .)
             (generic_type [(type_identifier) @inherit.name
                            (scoped_type_identifier (type_identifier) @inherit.name .)])])
(super_interfaces (type_list [(type_identifier) @inherit.name
                              (scoped_type_identifier (type_identifier) @inherit.name .)
                              (generic_type [(type_identifier) @inherit.name
                                             (scoped_type_identifier (type_identifier) @inherit.name .)])]))
(extends_interfaces (type_list [(type_identifier) @inherit.name
                                (scoped_type_identifier (type_identifier) @inherit.name .)
                                (generic_type [(type_identifier) @inherit.name
                                               (scoped_type_identifier (type_identifier) @inherit.name .)])]))

; `import a.b.C;` binds C; `import static a.b.C.m;` binds m from a.b.C; `.*` binds nothing.
((import_declaration (scoped_identifier name: (identifier) @import.name) @import.source .) @_import
 (#not-match? @_import "^import\\s+static"))
((import_declaration (scoped_identifier scope: (_) @import.source name: (identifier) @import.name) .) @_import
 (#match? @_import "^import\\s+static"))
(import_declaration (scoped_identifier) @import.source (asterisk))
