package io.soak.dsl.internal;

import java.util.Set;
import org.codehaus.groovy.ast.ASTNode;
import org.codehaus.groovy.ast.ClassCodeVisitorSupport;
import org.codehaus.groovy.ast.ClassNode;
import org.codehaus.groovy.ast.expr.ClassExpression;
import org.codehaus.groovy.ast.expr.ConstructorCallExpression;
import org.codehaus.groovy.ast.expr.Expression;
import org.codehaus.groovy.ast.expr.MethodCallExpression;
import org.codehaus.groovy.ast.expr.MethodPointerExpression;
import org.codehaus.groovy.ast.expr.StaticMethodCallExpression;
import org.codehaus.groovy.ast.expr.VariableExpression;
import org.codehaus.groovy.classgen.GeneratorContext;
import org.codehaus.groovy.control.CompilePhase;
import org.codehaus.groovy.control.SourceUnit;
import org.codehaus.groovy.control.customizers.CompilationCustomizer;
import org.codehaus.groovy.control.messages.SyntaxErrorMessage;
import org.codehaus.groovy.syntax.SyntaxException;

/**
 * Refuses at compile time, with file and line, the calls that would end or halt the JVM from a scenario
 * ({@code System.exit}, {@code Runtime.getRuntime().halt}, {@code Runtime.getRuntime().exit}, method pointers
 * to them, static imports of them) and the calls that would compile a second script without this guard
 * ({@code evaluate(...)}, {@code new GroovyShell()}, {@code Eval.me}). Groovy's {@code SecureASTCustomizer} was
 * not used: with its receiver white-lists it refused valid scripts too (../shared/design/TRAPS.md), and it sees
 * no receiver type in {@code Runtime.getRuntime().halt(0)}. This is not a sandbox: scenarios are trusted local
 * files; the guard keeps a mistake from taking the runtime down without a word.
 */
final class ExitGuard extends CompilationCustomizer {

    /** A refusal: a compile error whose message is shown as it is. */
    static final class Refused extends SyntaxException {
        private static final long serialVersionUID = 1L;

        Refused(String message, ASTNode node) {
            super(message, node.getLineNumber(), node.getColumnNumber());
        }
    }

    private static final Set<String> PROCESS_TYPES = Set.of("java.lang.System", "java.lang.Runtime", "java.lang.Shutdown");
    private static final Set<String> ENDING = Set.of("exit", "halt");
    private static final Set<String> COMPILERS = Set.of("groovy.lang.GroovyShell", "groovy.lang.GroovyClassLoader",
            "groovy.util.Eval", "groovy.util.GroovyScriptEngine");
    private static final String WHY = ": a scenario describes a run and may not end, halt or replace the process";

    ExitGuard() {
        super(CompilePhase.CANONICALIZATION);
    }

    @Override
    public void call(SourceUnit source, GeneratorContext context, ClassNode classNode) {
        new ClassCodeVisitorSupport() {
            @Override
            protected SourceUnit getSourceUnit() {
                return source;
            }

            @Override
            public void visitMethodCallExpression(MethodCallExpression call) {
                String name = call.getMethodAsString();
                Expression receiver = call.getObjectExpression();
                String owner = classOf(receiver);
                if (name != null && owner != null) {
                    if (PROCESS_TYPES.contains(owner) && ENDING.contains(name)) {
                        refuse(simple(owner) + "." + name + " is not allowed" + WHY, call);
                    } else if (owner.equals("java.lang.Runtime") && name.equals("getRuntime")) {
                        refuse("Runtime.getRuntime() is not allowed" + WHY, call);
                    } else if (COMPILERS.contains(owner)) {
                        refuse(simple(owner) + "." + name + " is not allowed" + WHY, call);
                    }
                }
                if (name != null && call.isImplicitThis() && (name.equals("evaluate") || name.equals("exit")
                        || name.equals("halt"))) {
                    refuse(name + "(...) is not allowed" + WHY, call);
                }
                super.visitMethodCallExpression(call);
            }

            @Override
            public void visitStaticMethodCallExpression(StaticMethodCallExpression call) {
                String owner = call.getOwnerType().getName();
                if ((PROCESS_TYPES.contains(owner) && ENDING.contains(call.getMethod())) || COMPILERS.contains(owner)) {
                    refuse(simple(owner) + "." + call.getMethod() + " is not allowed" + WHY, call);
                }
                super.visitStaticMethodCallExpression(call);
            }

            @Override
            public void visitMethodPointerExpression(MethodPointerExpression p) {
                String owner = classOf(p.getExpression());
                String name = p.getMethodName().getText();
                if (owner != null && PROCESS_TYPES.contains(owner) && ENDING.contains(name)) {
                    refuse(simple(owner) + "." + name + " is not allowed" + WHY, p);
                }
                super.visitMethodPointerExpression(p);
            }

            @Override
            public void visitConstructorCallExpression(ConstructorCallExpression call) {
                String type = call.getType().getName();
                if (COMPILERS.contains(type)) {
                    refuse("new " + simple(type) + "(...) is not allowed" + WHY, call);
                }
                super.visitConstructorCallExpression(call);
            }

            private void refuse(String message, ASTNode node) {
                source.getErrorCollector().addErrorAndContinue(new SyntaxErrorMessage(new Refused(message, node), source));
            }
        }.visitClass(classNode);
    }

    private static String classOf(Expression e) {
        if (e instanceof ClassExpression c) {
            return c.getType().getName();
        }
        if (e instanceof VariableExpression v && ("System".equals(v.getName()) || "Runtime".equals(v.getName()))) {
            return "java.lang." + v.getName();
        }
        return null;
    }

    private static String simple(String type) {
        int dot = type.lastIndexOf('.');
        return dot < 0 ? type : type.substring(dot + 1);
    }
}
