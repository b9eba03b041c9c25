package dev.facesweep.coordinator.review;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A real headless Chromium for page tests: Debian's {@code chromium} driven through {@code chromium-driver}
 * (Selenium, no downloads). Paths can be changed with {@code FACESWEEP_CHROMIUM} and {@code FACESWEEP_CHROMEDRIVER}.
 * A missing browser fails the test with the install command; it is never skipped.
 */
public final class Chromium implements AutoCloseable {

    static final String INSTALL = "apt-get install -y chromium chromium-driver";

    private final ChromeDriver driver;

    private Chromium(ChromeDriver driver) {
        this.driver = driver;
    }

    public static Chromium start() {
        // Selenium warns that it has no CDP bindings for this Chromium version: the tests use WebDriver only
        java.util.logging.Logger.getLogger("org.openqa.selenium").setLevel(java.util.logging.Level.SEVERE);
        Path browser = executable("FACESWEEP_CHROMIUM", "/usr/bin/chromium", "Chromium");
        Path chromedriver = executable("FACESWEEP_CHROMEDRIVER", "/usr/bin/chromedriver", "chromedriver");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(browser.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1400,1000", "--lang=en-US");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(chromedriver.toFile())
                .usingAnyFreePort()
                .withLogOutput(java.io.OutputStream.nullOutputStream())
                .build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
        return new Chromium(driver);
    }

    private static Path executable(String env, String fallback, String what) {
        String configured = System.getenv(env);
        Path path = Path.of(configured != null && !configured.isBlank() ? configured : fallback);
        if (!Files.isExecutable(path)) {
            throw new AssertionError(what + " is not installed at " + path + ": the browser tests need Debian's"
                    + " chromium and chromium-driver (" + INSTALL + "), or set " + env + " to its path");
        }
        return path;
    }

    public WebDriver driver() {
        return driver;
    }

    public void open(String url) {
        driver.get(url);
    }

    /** Waits (polling, up to 20 s) until the condition holds and returns its value. */
    public <T> T await(String what, Function<WebDriver, T> condition) {
        return new WebDriverWait(driver, Duration.ofSeconds(20)).withMessage(what).until(condition::apply);
    }

    public Object script(String js, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(js, args);
    }

    public List<WebElement> all(String css) {
        return driver.findElements(By.cssSelector(css));
    }

    public WebElement one(String css) {
        return driver.findElement(By.cssSelector(css));
    }

    /** The figure of an image by its path (an attribute lookup in script, so hostile names need no escaping). */
    public WebElement figure(String path) {
        return (WebElement) script("return Array.from(document.querySelectorAll('figure.image'))"
                + ".find(f => f.dataset.path === arguments[0]) || null", path);
    }

    /** The section of a face set by name. */
    public WebElement section(String name) {
        return (WebElement) script("return Array.from(document.querySelectorAll('section.faceset'))"
                + ".find(s => s.dataset.faceset === arguments[0]) || null", name);
    }

    /** data-state of every image figure, by path. */
    @SuppressWarnings("unchecked")
    public Map<String, String> imageStates() {
        return new TreeMap<>((Map<String, String>) script("const m = {};"
                + " document.querySelectorAll('figure.image').forEach(f => m[f.dataset.path] = f.dataset.state);"
                + " return m;"));
    }

    /** data-action of every face set section, by name. */
    @SuppressWarnings("unchecked")
    public Map<String, String> facesetActions() {
        return new TreeMap<>((Map<String, String>) script("const m = {};"
                + " document.querySelectorAll('section.faceset').forEach(s => m[s.dataset.faceset] = s.dataset.action);"
                + " return m;"));
    }

    /** Scrolls through the page so lazy images load, then counts images that decoded (naturalWidth > 0). */
    public long loadedImages() {
        script("document.querySelectorAll('figure.image img').forEach(i => { i.loading = 'eager'; });");
        await("every thumbnail finished loading", d -> (Boolean) script("return Array.from("
                + "document.querySelectorAll('figure.image img')).every(i => i.complete)"));
        return (Long) script("return Array.from(document.querySelectorAll('figure.image img'))"
                + ".filter(i => i.naturalWidth > 0).length");
    }

    public void screenshot(Path file) throws java.io.IOException {
        Files.createDirectories(file.getParent());
        File shot = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE);
        Files.copy(shot.toPath(), file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    @Override
    public void close() {
        driver.quit();
    }
}
