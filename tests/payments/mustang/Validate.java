// Runs Mustangproject's validator (org.mustangproject:validator, a library without a
// command line of its own) on one Factur-X PDF or CII XML file: prints its XML report and
// exits 0 when the file was completely valid (PDF/A-3, XSD, EN 16931 schematron), 1 if not.
// Launched as a single source file: java -cp validator-<v>-shaded.jar Validate.java FILE
import org.mustangproject.validator.ZUGFeRDValidator;

public class Validate {
    public static void main(String[] args) {
        if (args.length != 1) {
            System.err.println("usage: Validate FILE");
            System.exit(2);
        }
        ZUGFeRDValidator validator = new ZUGFeRDValidator();
        System.out.println(validator.validate(args[0]));
        System.exit(validator.wasCompletelyValid() ? 0 : 1);
    }
}
