package dev.cod.reputation;

import static dev.cod.reputation.MarketScenario.BAD;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cod.store.H2Database;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The public dashboard in a real headless Chromium (Debian's chromium and chromium-driver, driven
 * by Selenium; nothing is downloaded), served by the reputation service over a Hardhat chain where
 * three fast-path jobs ran with two honest providers and one that revealed a different result.
 * Screenshots go to {@code reputation/target/screenshots/}.
 */
class DashboardIT {
  private static final Path CHROMIUM = Path.of(System.getenv().getOrDefault("COD_CHROMIUM", "/usr/bin/chromium"));
  private static final Path DRIVER = Path.of(System.getenv().getOrDefault("COD_CHROMEDRIVER", "/usr/bin/chromedriver"));
  private static MarketScenario market;
  private static H2Database db;
  private static ReputationServer server;
  private static WebDriver browser;

  @BeforeAll
  static void start(@TempDir Path tmp) {
    if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(DRIVER)) {
      String why = "headless Chromium needs " + CHROMIUM + " and " + DRIVER
          + ": apt-get install -y chromium chromium-driver (scripts/setup.sh does)";
      if ("true".equals(System.getenv("CI"))) {
        throw new AssertionError(why);
      }
      Assumptions.assumeTrue(false, why);
    }
    market = MarketScenario.start(tmp);
    for (int i = 0; i < 3; i++) {
      market.fastJob(BAD);
    }
    db = H2Database.open(tmp.resolve("rep"));
    ReputationStore store = new ReputationStore(db);
    Reputation reputation = new Reputation(store);
    IndexerMetrics metrics = new IndexerMetrics();
    new ReputationIndexer(market.chain, market.deployment.address(), market.deployment.blockNumber(), 0, 100, store,
        reputation, metrics).poll();
    server = ReputationServer.start(reputation, metrics, "127.0.0.1", 0);
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
        "--window-size=1400,1000", "--user-data-dir=" + tmp.resolve("chromium-profile"));
    ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile())
        .usingAnyFreePort().build();
    browser = new ChromeDriver(service, options);
  }

  @AfterAll
  static void stop() {
    if (browser != null) {
      browser.quit();
    }
    if (server != null) {
      server.close();
    }
    if (db != null) {
      db.close();
    }
    if (market != null) {
      market.close();
    }
  }

  private static String addr(int i) {
    return market.providers.get(i).account().toLowerCase(Locale.ROOT);
  }

  private static void open(String hash) {
    browser.get("http://127.0.0.1:" + server.port() + "/" + hash);
    // the page marks the view it finished drawing; on the same page only the hash changes, so the
    // previous view's mark may still be there until the new one is drawn: wait for this one's
    new WebDriverWait(browser, Duration.ofSeconds(20)).until(d -> {
      String ready = d.findElement(By.tagName("body")).getAttribute("data-ready");
      return hash.equals(ready) || "error".equals(ready);
    });
    assertThat(browser.findElements(By.id("error"))).as("the page shows no error").isEmpty();
  }

  private static void screenshot(String name) throws Exception {
    Path dir = Path.of("target", "screenshots");
    Files.createDirectories(dir);
    File shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
    Files.copy(shot.toPath(), dir.resolve(name + ".png"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    assertThat(Files.size(dir.resolve(name + ".png"))).isGreaterThan(10_000);
  }

  private static String cell(WebElement row, String cls) {
    return row.findElement(By.cssSelector("td." + cls)).getText();
  }

  @Test
  void leaderboardShowsTheNumbersAndTheDissentersLowerScore() throws Exception {
    open("#/");
    assertThat(browser.findElement(By.id("stat-jobs")).getText()).isEqualTo("3");
    assertThat(browser.findElement(By.id("stat-finalized")).getText()).isEqualTo("3");
    assertThat(browser.findElement(By.id("stat-providers")).getText()).isEqualTo("3");
    assertThat(browser.findElement(By.id("stat-bids")).getText()).isEqualTo("9");
    WebElement honest = browser.findElement(By.cssSelector("#leaderboard tr[data-address='" + addr(0) + "']"));
    WebElement dissenter = browser.findElement(By.cssSelector("#leaderboard tr[data-address='" + addr(2) + "']"));
    assertThat(cell(honest, "agreed")).isEqualTo("3");
    assertThat(cell(honest, "dissent")).isEqualTo("0");
    assertThat(cell(honest, "agreement")).isEqualTo("100.0%");
    assertThat(cell(honest, "earnings")).isEqualTo("0.18"); // 3 × (0.01 maxPrice + 0.05 slash share)
    assertThat(cell(dissenter, "dissent")).isEqualTo("3");
    assertThat(cell(dissenter, "slashes")).isEqualTo("3");
    assertThat(cell(dissenter, "agreement")).isEqualTo("0.0%");
    assertThat(cell(dissenter, "stake")).isEqualTo("0.7"); // 1 FIL staked, 3 × 0.1 slashed
    assertThat(Double.parseDouble(cell(dissenter, "score"))).isLessThan(Double.parseDouble(cell(honest, "score")));
    // sorted by score, highest first: the dissenter is last
    assertThat(browser.findElements(By.cssSelector("#leaderboard tbody tr")).get(2).getAttribute("data-address"))
        .isEqualTo(addr(2));
    screenshot("leaderboard");

    // a click on the "dissent" header sorts by it, most first (the table is drawn again
    // asynchronously: a row read while it is replaced is stale, and read again)
    browser.findElement(By.cssSelector("#leaderboard th[data-key='dissenting']")).click();
    new WebDriverWait(browser, Duration.ofSeconds(10)).ignoring(StaleElementReferenceException.class)
        .until(d -> d.findElements(By.cssSelector("#leaderboard tbody tr")).get(0).getAttribute("data-address")
            .equals(addr(2)));
  }

  @Test
  void providerPageHasHistoryAndCharts() throws Exception {
    open("#/provider/" + addr(2));
    assertThat(browser.findElement(By.id("p-dissent")).getText()).isEqualTo("3");
    assertThat(browser.findElement(By.id("p-slashed")).getText()).isEqualTo("0.3");
    assertThat(browser.findElements(By.cssSelector("#history tbody tr"))).hasSize(3)
        .allSatisfy(r -> assertThat(r.getText()).contains("DISSENT"));
    for (String chart : new String[] {"chart-jobs", "chart-agreement", "chart-earnings"}) {
      Object drawn = ((org.openqa.selenium.JavascriptExecutor) browser).executeScript(
          "const c = Chart.getChart(arguments[0]); return c ? c.data.datasets[0].data.length : -1;", chart);
      assertThat(((Number) drawn).intValue()).as(chart + " points").isEqualTo(3);
    }
    screenshot("provider-dissenter");
  }

  @Test
  void jobPageShowsTheTimeline() throws Exception {
    open("#/job/2");
    assertThat(browser.findElement(By.id("job-state")).getText()).isEqualTo("FINALIZED");
    var events = browser.findElements(By.cssSelector("#timeline td.event")).stream().map(WebElement::getText).toList();
    assertThat(events).startsWith("JobPosted").contains("BidPlaced", "ResultRevealed", "ProviderSlashed", "ResultAccepted");
    assertThat(browser.findElements(By.cssSelector("#bids tbody tr"))).extracting(WebElement::getText)
        .anySatisfy(t -> assertThat(t).contains("DISSENT"));
    screenshot("job-2");
  }
}
