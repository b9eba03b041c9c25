package dev.facesweep.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The core stays free of frameworks and of package cycles (docs/architecture.md, "Modules"). */
class CoreIsFrameworkFreeTest {

    private static JavaClasses core;

    @BeforeAll
    static void importCore() {
        core = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.facesweep");
    }

    @Test
    void coreDependsOnNoFramework() {
        noClasses().should().dependOnClassesThat()
                .resideInAnyPackage("org.springframework..", "com.rabbitmq..", "io.micrometer..", "jakarta..",
                        "picocli..")
                .because("common is the framework-free core; frameworks live in the applications")
                .check(core);
    }

    @Test
    void featurePackagesHaveNoCycles() {
        slices().matching("dev.facesweep.(*)..").should().beFreeOfCycles().check(core);
    }
}
