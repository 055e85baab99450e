package io.lookout.agent.config;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs {@link ConfigLoader#load} with Jackson (databind, YAML, SnakeYAML: ~700 classes, ~4 MB of
 * metaspace and symbols) in a class loader of its own, on a thread of its own, so that all of it
 * can be unloaded once the config is read: the agent needs it for a few milliseconds at startup
 * and would otherwise keep its metadata for the life of the process.
 *
 * <p>Only {@code ConfigLoader} (with its nested classes) and the Jackson/SnakeYAML packages are
 * defined by the throwaway loader; everything else, the config records and {@link ConfigException}
 * included, comes from the parent, so the caller gets ordinary objects and exceptions. The thread
 * ends with the call, which drops Jackson's thread-local buffer pools that would otherwise keep the
 * loader reachable.
 */
public final class IsolatedConfig {
  private static final String[] CHILD_FIRST = {
      "io.lookout.agent.config.ConfigLoader", "com.fasterxml.jackson.", "org.yaml.snakeyaml."};

  /** The last throwaway loader, weakly, so that a test can check it is collected. */
  static volatile java.lang.ref.WeakReference<ClassLoader> lastLoader = new java.lang.ref.WeakReference<>(null);

  private IsolatedConfig() {}

  /**
   * Same contract as {@link ConfigLoader#load}; afterwards asks for a full collection so that the
   * loader's classes are unloaded now rather than at the first old-generation collection.
   */
  public static AgentConfig load(Path file, Map<String, String> env) {
    AtomicReference<Object> result = new AtomicReference<>();
    Thread t = Thread.ofPlatform().name("lookout-agent-config").unstarted(() -> {
      try {
        result.set(invoke(file, env));
      } catch (Throwable e) {
        result.set(e);
      }
    });
    t.start();
    try {
      t.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while reading the config", e);
    }
    Object r = result.get();
    System.gc();
    if (r instanceof AgentConfig c) {
      return c;
    }
    if (r instanceof RuntimeException e) {
      throw e;
    }
    if (r instanceof Error e) {
      throw e;
    }
    throw new IllegalStateException("cannot read the config: " + r, (Throwable) r);
  }

  private static Object invoke(Path file, Map<String, String> env) throws Throwable {
    ChildFirst loader = new ChildFirst(IsolatedConfig.class.getClassLoader());
    lastLoader = new java.lang.ref.WeakReference<>(loader);
    try {
      Class<?> c = Class.forName("io.lookout.agent.config.ConfigLoader", true, loader);
      return c.getMethod("load", Path.class, Map.class).invoke(null, file, env);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  /** Defines the {@link #CHILD_FIRST} classes itself from the parent's class files; the rest is the parent's. */
  static final class ChildFirst extends ClassLoader {
    static {
      registerAsParallelCapable();
    }

    ChildFirst(ClassLoader parent) {
      super("lookout-agent-config", parent);
    }

    static boolean childFirst(String name) {
      for (String p : CHILD_FIRST) {
        if (name.startsWith(p)) {
          return true;
        }
      }
      return false;
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
      if (!childFirst(name)) {
        return super.loadClass(name, resolve);
      }
      synchronized (getClassLoadingLock(name)) {
        Class<?> c = findLoadedClass(name);
        if (c == null) {
          String resource = name.replace('.', '/') + ".class";
          try (InputStream in = getParent().getResourceAsStream(resource)) {
            if (in == null) {
              throw new ClassNotFoundException(name);
            }
            byte[] b = in.readAllBytes();
            c = defineClass(name, b, 0, b.length, IsolatedConfig.class.getProtectionDomain());
          } catch (IOException e) {
            throw new ClassNotFoundException(name, e);
          }
        }
        if (resolve) {
          resolveClass(c);
        }
        return c;
      }
    }

    @Override
    public java.net.URL getResource(String name) {
      return getParent().getResource(name);
    }
  }
}
