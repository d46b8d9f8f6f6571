x.o y.o : a b
